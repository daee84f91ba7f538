"""RFC 8291 push encryption: readable by an independent implementation, fresh for every message."""
import os

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from graded_exposure.channels import push_encryption

MESSAGE = b'{"title": "Brave Steps", "body": "Time for today\'s brave practice.", "url": "/"}'


@pytest.fixture
def browser():
    """A browser's key pair and auth secret, as PushManager.subscribe makes them."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(serialization.Encoding.X962,
                                           serialization.PublicFormat.UncompressedPoint)
    return key, public, os.urandom(16)


def test_http_ece_decrypts_it(browser):
    key, public, auth = browser
    body = push_encryption.encrypt(MESSAGE, public, auth)
    assert http_ece.decrypt(body, private_key=key, auth_secret=auth,
                            version="aes128gcm") == MESSAGE


def test_each_message_has_its_own_salt_and_key_pair(browser):
    _, public, auth = browser
    first, second = (push_encryption.encrypt(MESSAGE, public, auth) for _ in range(2))
    # The header: salt (16), record size (4), key id length (1), the sender's public key (65).
    assert first[:16] != second[:16]
    assert first[21:86] != second[21:86]
    assert first[16:21] == second[16:21] == b"\x00\x00\x10\x00\x41"
    assert first[21] == 4 and len(first) == 86 + len(MESSAGE) + 1 + 16


def test_only_the_browser_with_that_auth_secret_can_read_it(browser):
    key, public, auth = browser
    body = push_encryption.encrypt(MESSAGE, public, auth)
    with pytest.raises(http_ece.ECEException):
        http_ece.decrypt(body, private_key=key, auth_secret=os.urandom(16), version="aes128gcm")


def test_a_key_that_is_not_a_p256_point_is_refused(browser):
    _, public, auth = browser
    with pytest.raises(ValueError):
        push_encryption.encrypt(MESSAGE, public[:-1] + bytes([public[-1] ^ 1]), auth)


def test_a_message_larger_than_one_record_is_refused(browser):
    _, public, auth = browser
    with pytest.raises(ValueError, match="one record"):
        push_encryption.encrypt(b"x" * push_encryption.RECORD_SIZE, public, auth)
