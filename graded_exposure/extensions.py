"""Flask extensions, created here and bound to the app in the factory."""
from flask_htmx import HTMX
from flask_login import LoginManager

from .csrf_mask import MaskedCSRFProtect

csrf = MaskedCSRFProtect()  # CSRF tokens masked per response (csrf_mask.py)
htmx = HTMX()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to continue."
login_manager.login_message_category = "info"
