"""gunicorn settings, read from the environment: `gunicorn app:app` picks this file up.

BIND (default 127.0.0.1:8000) and WEB_CONCURRENCY (default 2 workers) set where and how many;
each worker loads the app once. Serving beyond loopback needs BASE_URL (public_address.py).
"""
import os

from graded_exposure.public_address import require_base_url

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "30"))
accesslog = "-"


def on_starting(server) -> None:
    """Refuse to start on a public interface without BASE_URL (links in emails need it)."""
    hosts = [address[0] for address in server.cfg.address if isinstance(address, tuple)]
    require_base_url(os.environ, hosts)
