"""A request body has a ceiling: nothing the app takes is near a megabyte, so more is refused
with 413 and plain words before it is read, parsed, or spooled to disk, and nothing is stored.
The longest real form still goes through."""
import io
import json

from sqlmodel import select

from graded_exposure.models import PushSubscription, TherapistNote
from tests.conftest import Therapist
from tests.factories import link

TOO_MUCH = "That was too much to send at once."
OVER = 2 * 1024 * 1024


def test_a_huge_upload_to_the_login_form_is_refused_unread(client, monkeypatch):
    # No form here takes a file, but multipart parsing would spool one to a temporary file,
    # before any login: anyone could fill the server's disk.
    spooled = []
    monkeypatch.setattr("werkzeug.formparser.default_stream_factory",
                        lambda *args, **kwargs: spooled.append(1) or io.BytesIO())
    body = (b'--b\r\nContent-Disposition: form-data; name="email"\r\n\r\na@example.com\r\n'
            b'--b\r\nContent-Disposition: form-data; name="upload"; filename="big.bin"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n" + b"x" * OVER + b"\r\n--b--\r\n")
    response = client.post("/login", data=body, content_type="multipart/form-data; boundary=b")
    assert response.status_code == 413 and spooled == []
    assert TOO_MUCH in response.get_data(as_text=True)


def test_a_huge_json_body_is_refused_and_nothing_stored(family, db):
    body = json.dumps({"endpoint": "https://fcm.googleapis.com/x", "keys": {"p256dh": "a" * OVER,
                                                                           "auth": "b"}})
    response = family.client.post("/push/subscribe", data=body, content_type="application/json",
                                  headers={"X-CSRFToken": family.csrf()})
    assert response.status_code == 413
    assert db.exec(select(PushSubscription)).all() == []


def test_the_longest_note_in_the_widest_characters_still_goes_through(app, db, family):
    tara = Therapist(app, db)
    link(db, tara.user, family.child)
    text = "🦁" * 2000  # four bytes each, twelve once percent-encoded
    response = tara.post(f"/therapist/children/{family.child.id}/notes",
                         {"kind": "homework", "text": text})
    assert response.status_code == 303
    assert db.exec(select(TherapistNote.text)).one() == text
