"""Production hashes passwords with scrypt; the cheap test hash is a test-only setting."""
from graded_exposure import create_app
from graded_exposure.services import accounts
from tests.conftest import TEST_HASH_METHOD


def test_production_config_hashes_with_scrypt(tmp_path, monkeypatch):
    monkeypatch.delenv("PASSWORD_HASH_METHOD", raising=False)
    try:
        app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite'}"})
        assert app.config["PASSWORD_HASH_METHOD"] == "scrypt"
        hashed = accounts.hash_password("a long enough secret")
        assert hashed.startswith("scrypt:")
        assert accounts.check_password(hashed, "a long enough secret")
        assert not accounts.check_password(hashed, "another secret")
    finally:
        accounts.use_hash_method(TEST_HASH_METHOD)


def test_test_config_uses_the_cheap_hash(app):
    assert accounts.hash_password("a long enough secret").startswith("pbkdf2:sha256:1$")
