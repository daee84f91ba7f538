"""The session cookie's signer is built once per set of keys, and a key change still counts."""
from graded_exposure.session_cookie import SessionCookies


def test_the_signer_is_built_once_while_the_keys_stay(app):
    interface = app.session_interface
    assert isinstance(interface, SessionCookies)
    assert interface.get_signing_serializer(app) is interface.get_signing_serializer(app)


def _signed_in_home(family):
    return family.client.get(f"/children/{family.child.id}")


def test_a_new_key_with_the_old_one_as_fallback_keeps_people_signed_in(app, family):
    assert _signed_in_home(family).status_code == 200
    app.config.update(SECRET_KEY="a-new-secret", SECRET_KEY_FALLBACKS=["test-secret"])
    assert _signed_in_home(family).status_code == 200


def test_a_key_dropped_for_good_signs_everyone_out(app, family):
    assert _signed_in_home(family).status_code == 200
    app.config.update(SECRET_KEY="a-new-secret", SECRET_KEY_FALLBACKS=[])
    answer = _signed_in_home(family)
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
