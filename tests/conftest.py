"""Fixtures: an app on a fresh SQLite database per test, a client, and logged-in families."""
import re

import pytest
from sqlmodel import Session, SQLModel

from graded_exposure import create_app
from graded_exposure.services import accounts, families
from tests.mailbox import start_mailbox

PASSWORD = "correct horse battery"
# One PBKDF2 round: tests check behaviour, not hash strength (production keeps scrypt, and
# tests/services/test_password_hashing.py proves it).
TEST_HASH_METHOD = "pbkdf2:sha256:1"


@pytest.fixture
def app(tmp_path):
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite'}",
        "SECRET_KEY": "test-secret",
        "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
        "BASE_URL": "http://localhost",  # the test client's host
    })
    SQLModel.metadata.create_all(app.extensions["db_engine"])
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture
def smtp(app):
    """A real SMTP server on loopback that the app sends its emails to."""
    handler, controller = start_mailbox()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield handler
    controller.stop()


@pytest.fixture
def db(app):
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        yield session


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_from(html: str) -> str:
    """Return the CSRF token embedded in a rendered page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'"X-CSRFToken": "([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def logged_in_client(app, email: str, password: str = PASSWORD):
    """Return a test client logged in through the real login form."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"email": email, "password": password,
                                           "csrf_token": csrf_from(page)})
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


@pytest.fixture
def therapist_client(app, db):
    """A client logged in as a therapist linked to no child."""
    accounts.register(db, email="tara@example.com", password=PASSWORD, display_name="Tara",
                      role="therapist")
    return logged_in_client(app, "tara@example.com")


class Family:
    """A caregiver with a family and one child, and a client logged in as them."""

    def __init__(self, app, db, email, child_name="Sam"):
        self.app, self.db = app, db
        self.user = accounts.register(db, email=email, password=PASSWORD,
                                      display_name=email.split("@")[0], role="caregiver",
                                      timezone="Europe/London")
        self.child = families.add_child(db, self.user, display_name=child_name)
        self.client = logged_in_client(app, email)

    def csrf(self) -> str:
        return csrf_from(self.client.get("/family").get_data(as_text=True))

    def post(self, url, data=None, **kw):
        """POST with a valid CSRF token, as the browser's form would."""
        return self.client.post(url, data={"csrf_token": self.csrf(), **(data or {})}, **kw)


@pytest.fixture
def family(app, db):
    return Family(app, db, "alex@example.com")


@pytest.fixture
def other_family(app, db):
    return Family(app, db, "eve@example.com", child_name="Other")
