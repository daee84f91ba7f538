"""Links in emails come from BASE_URL, unknown hosts get 400, and no public bind without it."""
import importlib.util
from urllib.parse import urlsplit

import click
import pytest

from graded_exposure import create_app
from graded_exposure.config import ROOT
from graded_exposure.public_address import (
    PublicAddressMissing,
    is_loopback,
    require_base_url,
    trusted_hosts,
)
from tests.conftest import TEST_HASH_METHOD, csrf_from


@pytest.fixture
def public_app(app):
    """The test app as deployed at https://brave.example; the test client's name is trusted too."""
    app.config.update(BASE_URL="https://brave.example",
                      TRUSTED_HOSTS=trusted_hosts({"BASE_URL": "https://brave.example",
                                                   "EXTRA_TRUSTED_HOSTS": ["internal.lan",
                                                                           "localhost"]}))
    return app


def _post_reset(client, host: str):
    page = client.get("/reset", headers={"Host": host})
    if page.status_code != 200:
        return page
    return client.post("/reset", headers={"Host": host}, data={
        "email": "alex@example.com", "csrf_token": csrf_from(page.get_data(as_text=True))})


def test_a_request_for_an_unknown_host_is_refused_and_sends_nothing(family, smtp, public_app):
    response = _post_reset(public_app.test_client(), "evil.example")
    assert response.status_code == 400
    assert smtp.messages == []


def test_the_reset_link_uses_base_url_whatever_the_host_header(family, smtp, public_app):
    response = _post_reset(public_app.test_client(), "internal.lan")
    assert response.status_code == 303
    (link,) = [x for x in smtp.links("alex@example.com") if "/reset/" in x]
    assert link.startswith("https://brave.example/reset/")


def test_invitation_and_sign_up_links_use_base_url(family, smtp, public_app):
    client = family.client
    token = csrf_from(client.get("/family").get_data(as_text=True))
    client.post("/family/invites", data={"email": "sam@example.com", "csrf_token": token})
    assert any(x.startswith("https://brave.example/join/") for x in smtp.links("sam@example.com"))
    visitor = public_app.test_client()
    page = visitor.get("/register", headers={"Host": "internal.lan"}).get_data(as_text=True)
    visitor.post("/register", headers={"Host": "internal.lan"}, data={
        "display_name": "Jo", "email": "jo@example.com", "password": "a long family secret",
        "role": "caregiver", "timezone": "UTC", "csrf_token": csrf_from(page)})
    assert any(x.startswith("https://brave.example/register/")
               for x in smtp.links("jo@example.com"))


def test_without_base_url_only_loopback_names_are_trusted(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}", "BASE_URL": "",
                      "PASSWORD_HASH_METHOD": TEST_HASH_METHOD})
    assert app.config["TRUSTED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]"]
    client = app.test_client()
    assert client.get("/login", headers={"Host": "127.0.0.1:5000"}).status_code == 200
    assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True), ("::1", True),
    ("[::1]", True), ("0.0.0.0", False), ("::", False), ("192.0.2.10", False),
    ("brave.example", False), ("", False),
])
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_binding_beyond_loopback_without_base_url_is_refused_with_a_clear_message():
    with pytest.raises(PublicAddressMissing, match=r"BASE_URL is not set.*0\.0\.0\.0"):
        require_base_url({"BASE_URL": ""}, ["127.0.0.1", "0.0.0.0"])
    require_base_url({"BASE_URL": ""}, ["127.0.0.1"])  # a laptop: fine
    require_base_url({"BASE_URL": "https://brave.example"}, ["0.0.0.0"])  # configured: fine


def test_flask_run_on_a_public_host_refuses_to_start_without_base_url(tmp_path, monkeypatch):
    monkeypatch.delenv("BASE_URL", raising=False)
    config = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}",
              "PASSWORD_HASH_METHOD": TEST_HASH_METHOD}
    with click.Context(click.Command("run"), info_name="run") as context:
        context.params["host"] = "0.0.0.0"
        with pytest.raises(PublicAddressMissing, match="Set BASE_URL"):
            create_app(config)
        context.params["host"] = "127.0.0.1"
        assert create_app(config).config["TRUSTED_HOSTS"][0] == "127.0.0.1"


def _gunicorn_conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gunicorn_refuses_to_start_beyond_loopback_without_base_url(monkeypatch):
    conf = _gunicorn_conf()

    class Server:
        class cfg:
            address = [("0.0.0.0", 8000)]

    monkeypatch.delenv("BASE_URL", raising=False)
    with pytest.raises(PublicAddressMissing):
        conf.on_starting(Server)
    monkeypatch.setenv("BASE_URL", "https://brave.example")
    conf.on_starting(Server)


def test_reminder_links_use_base_url(app):
    from graded_exposure.public_address import absolute
    assert absolute({"BASE_URL": "https://brave.example/"}, "/inbox") == \
        "https://brave.example/inbox"
    for hostile in ("//evil.example/x", "https://evil.example", "/\\evil.example"):
        assert urlsplit(absolute({"BASE_URL": "https://brave.example"}, hostile)).netloc == \
            "brave.example"


def test_a_loopback_base_url_answers_every_loopback_name():
    assert trusted_hosts({"BASE_URL": "http://127.0.0.1:8000"}) == ["127.0.0.1", "localhost",
                                                                     "[::1]"]
    assert trusted_hosts({"BASE_URL": "https://brave.example"}) == ["brave.example"]


def _app_at(base_url: str):
    return create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "x",
                       "PASSWORD_HASH_METHOD": TEST_HASH_METHOD, "BASE_URL": base_url})


def test_at_an_https_address_cookies_go_only_over_https(monkeypatch):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    app = _app_at("https://brave.example")
    response = app.test_client().get("/login", headers={"Host": "brave.example"})
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("; Secure" in cookie for cookie in cookies), cookies
    assert _app_at("http://localhost").config["SESSION_COOKIE_SECURE"] is False


def test_the_operator_still_chooses_the_cookie_flag(monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "0")
    assert _app_at("https://brave.example").config["SESSION_COOKIE_SECURE"] is False
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    assert _app_at("http://localhost").config["SESSION_COOKIE_SECURE"] is True


def test_browsers_are_told_to_keep_to_https_only_at_an_https_address(client, public_app):
    secure = public_app.test_client().get("/login", headers={"Host": "brave.example"})
    assert secure.headers["Strict-Transport-Security"] == "max-age=63072000"


def test_no_https_rule_for_a_plain_http_address(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
