"""Guessing stays slow, yet a stranger's wrong passwords never lock the owner's own phone."""
import pytest

from graded_exposure.known_devices import COOKIE
from tests.conftest import PASSWORD, csrf_from


def _login(client, password, email="alex@example.com", ip="198.51.100.7"):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": token},
                       environ_base={"REMOTE_ADDR": ip})


def _throttled(response) -> bool:
    return response.status_code == 422 and "Too many failed attempts" in response.get_data(
        as_text=True)


@pytest.fixture
def owners_phone(app, family):
    """A browser that has logged in to the account before, so it holds a known-device cookie."""
    phone = app.test_client()
    assert _login(phone, PASSWORD, ip="203.0.113.5").status_code == 303
    assert phone.get_cookie(COOKIE) is not None
    return phone


def test_a_strangers_guesses_do_not_lock_the_owners_known_device(app, owners_phone):
    for n in range(40):  # many addresses, far past every limit for unknown devices
        _login(app.test_client(), "wrong guess!", ip=f"198.51.100.{n}")
    assert _throttled(_login(app.test_client(), PASSWORD, ip="198.51.100.99"))
    assert _login(owners_phone, PASSWORD, ip="203.0.113.5").status_code == 303


def test_a_known_device_is_still_throttled_on_its_own_failures(owners_phone):
    for _ in range(5):
        assert not _throttled(_login(owners_phone, "wrong guess!", ip="203.0.113.5"))
    assert _throttled(_login(owners_phone, PASSWORD, ip="203.0.113.5"))


def test_one_address_is_throttled_after_five_guesses_but_others_still_log_in(app, family):
    stranger = app.test_client()
    for _ in range(5):
        _login(stranger, "wrong guess!", ip="198.51.100.1")
    assert _throttled(_login(stranger, PASSWORD, ip="198.51.100.1"))
    assert _login(app.test_client(), PASSWORD, ip="198.51.100.2").status_code == 303


def test_guesses_spread_over_many_addresses_are_limited_per_account(app, family):
    for n in range(20):
        _login(app.test_client(), "wrong guess!", ip=f"198.51.100.{n}")
    assert _throttled(_login(app.test_client(), PASSWORD, ip="198.51.100.200"))


def test_a_forged_or_foreign_device_cookie_counts_as_unknown(app, family, other_family):
    stranger = app.test_client()
    stranger.set_cookie(COOKIE, "eyJ1IjoxLCJkIjoiMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAifQ.x")
    for _ in range(5):
        _login(stranger, "wrong guess!", ip="198.51.100.1")
    assert _throttled(_login(stranger, PASSWORD, ip="198.51.100.1"))
    # Eve's own known-device cookie does not make Alex's account "known" on her phone.
    eve = app.test_client()
    assert _login(eve, PASSWORD, email="eve@example.com", ip="198.51.100.3").status_code == 303
    for _ in range(5):
        _login(eve, "wrong guess!", ip="198.51.100.3")
    assert _throttled(_login(eve, PASSWORD, ip="198.51.100.3"))
