"""Fixtures: an app on a fresh database per test (SQLite, or PostgreSQL with --db=postgresql),
a client, and logged-in families."""
import re

import pytest
from sqlmodel import Session, select

from graded_exposure import create_app, schema
from graded_exposure.db import make_engine
from graded_exposure.models import TherapistLink
from graded_exposure.services import accounts, families
from tests import databases
from tests.mailbox import start_mailbox

PASSWORD = "correct horse battery"
HX = {"HX-Request": "true"}  # what htmx sends, so the app answers with a partial
# One PBKDF2 round: tests check behaviour, not hash strength (production keeps scrypt, and
# tests/services/test_password_hashing.py proves it).
TEST_HASH_METHOD = "pbkdf2:sha256:1"


def _test_config(database_url: str) -> dict:
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
        "BASE_URL": "http://localhost",  # the test client's host
        # Every request in every test refuses lazy loads (graded_exposure/db.py).
        "RAISE_ON_LAZY_LOAD": True,
    }


def pytest_addoption(parser):
    parser.addoption("--db", choices=databases.BACKENDS, default="sqlite",
                     help="the database engine every database-touching test runs on")


# Browser tests serve the app from a SQLite file of their own (tests/browser/conftest.py): they
# test the UI, and the view tests cover what is under it on both engines.
_BROWSER_ON_SQLITE = "browser tests drive the UI on SQLite; view tests cover both engines"


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL, skip the tests about SQLite itself (files, pragmas) and the browser
    tests, saying why."""
    if config.getoption("--db") == "sqlite":
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker:
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {marker.args[0]}"))
        elif item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.skip(reason=_BROWSER_ON_SQLITE))


@pytest.fixture(scope="session")
def database_backend(request, tmp_path_factory):
    """The engine this run tests on (--db): SQLite files, or one PostgreSQL cluster per process."""
    backend = databases.start(request.config.getoption("--db"),
                              tmp_path_factory.mktemp("schema"))
    request.addfinalizer(backend.stop)
    return backend


@pytest.fixture
def new_database(database_backend, tmp_path):
    """Make databases for this test (`fresh=True`: the models' schema; else empty), dropped
    after it; return their URLs."""
    made = []

    def make(name: str = "db", *, fresh: bool = False) -> str:
        build = database_backend.fresh if fresh else database_backend.empty
        made.append(build(tmp_path, f"{name}{len(made)}"))
        return made[-1]

    yield make
    for url in made:
        database_backend.drop(url)


@pytest.fixture
def migrated_database(new_database) -> str:
    """Return the URL of a new database brought to the newest migration, as deployed."""
    url = new_database("migrated")
    schema.upgrade(url)
    return url


@pytest.fixture(scope="session")
def _shared_app(database_backend, tmp_path_factory):
    """One app per test process: building the URL map and templates for every test is slow."""
    url = database_backend.fresh(tmp_path_factory.mktemp("shared"), "shared")
    app = create_app(_test_config(url))
    app.extensions["db_engine"].dispose()
    return app


@pytest.fixture
def app(request, new_database, _shared_app):
    """The app on a fresh database of its own; config changes end with the test.

    A test that adds routes to the app marks itself `own_app` and gets a new app.
    """
    url = new_database("test", fresh=True)
    if request.node.get_closest_marker("own_app"):
        app = create_app(_test_config(url))
        yield app
        app.extensions["db_engine"].dispose()
        return
    app, saved = _shared_app, dict(_shared_app.config)
    app.config["DATABASE_URL"] = url
    app.extensions["db_engine"] = make_engine(url)
    accounts.use_hash_method(TEST_HASH_METHOD)  # a test may have built a production app
    yield app
    app.extensions["db_engine"].dispose()
    app.config.clear()
    app.config.update(saved)


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


def without_tokens(html: str) -> str:
    """The page without its masked CSRF tokens: random letters, in which a short name ("Sam")
    turns up now and then, so a test that a name is absent reads the page without them."""
    return re.sub(r"[A-Za-z0-9_-]{60,}", "", html)


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


# Posting to these starts or ends a login session, and a new session has a new CSRF token.
_NEW_SESSION = ("/login", "/logout", "/account", "/register", "/join/", "/links/invite/",
                "/reset/")


class SignedIn:
    """A client logged in through the real login form, posting as its browser's forms would."""

    def __init__(self, app, email: str, password: str = PASSWORD):
        self.client = logged_in_client(app, email, password)
        self._token: str | None = None

    def csrf(self) -> str:
        """Return a valid CSRF token for this session (read from a page once, then reused)."""
        if self._token is None:
            self._token = csrf_from(self.client.get("/account").get_data(as_text=True))
        return self._token

    def post(self, url, data=None, **kw):
        """POST with a valid CSRF token, as the browser's form would."""
        response = self.client.post(url, data={"csrf_token": self.csrf(), **(data or {})}, **kw)
        if url.startswith(_NEW_SESSION):
            self._token = None
        return response


class Family(SignedIn):
    """A caregiver with a family and one child, and a client logged in as them."""

    def __init__(self, app, db, email, child_name="Sam"):
        self.app, self.db = app, db
        self.user = accounts.register(db, email=email, password=PASSWORD,
                                      display_name=email.split("@")[0], role="caregiver",
                                      timezone="Europe/London")
        self.child = families.add_child(db, self.user, display_name=child_name)
        super().__init__(app, email)


class Therapist(SignedIn):
    """A therapist and a client logged in as them."""

    def __init__(self, app, db, email="tara@example.com", name="Tara"):
        self.user = accounts.register(db, email=email, password=PASSWORD, display_name=name,
                                      role="therapist")
        super().__init__(app, email)

    def page(self, url) -> str:
        """GET a page that must answer 200; return its HTML."""
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.get_data(as_text=True)

    def new_code(self) -> str:
        """Create a link code on the page a therapist would; return it."""
        body = self.post("/links/codes").get_data(as_text=True)
        return re.search(r"<strong>([0-9A-Z]{4}-[0-9A-Z]{4})</strong>", body).group(1)


def link_by_code(family: Family, therapist: Therapist) -> TherapistLink:
    """Link the family's child to the therapist as the caregiver does: by accepting a code."""
    response = family.post("/family/sharing/accept",
                           {"code": therapist.new_code(), "child_id": family.child.id})
    assert response.status_code == 303, response.get_data(as_text=True)
    family.db.expire_all()
    return family.db.exec(select(TherapistLink).where(
        TherapistLink.therapist_id == therapist.user.id).order_by(TherapistLink.id)).first()


@pytest.fixture
def family(app, db):
    return Family(app, db, "alex@example.com")


@pytest.fixture
def other_family(app, db):
    return Family(app, db, "eve@example.com", child_name="Other")
