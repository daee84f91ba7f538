"""Encrypt a web push message for one browser: RFC 8291 (Message Encryption for Web Push) with
the aes128gcm content coding of RFC 8188, as one record.

Every message gets a fresh ephemeral P-256 key pair and a fresh random salt, as RFC 8291
requires: nothing is reused from one message to the next. The steps, in the RFC's words:

    ecdh_secret = ECDH(as_private, ua_public)
    IKM   = HKDF(salt=auth_secret, ikm=ecdh_secret,
                 info="WebPush: info" || 0x00 || ua_public || as_public, L=32)
    PRK   = HMAC-SHA-256(salt, IKM)
    CEK   = HKDF-Expand(PRK, "Content-Encoding: aes128gcm" || 0x00, 16)
    NONCE = HKDF-Expand(PRK, "Content-Encoding: nonce" || 0x00, 12)
    body  = salt || rs (uint32) || idlen (65) || as_public || AES-128-GCM(CEK, NONCE,
            plaintext || 0x02)

pywebpush's WebPusher.encode made the same body through more general code (a deep copy of
the subscription, a cipher built per record) at 340-360 µs of CPU a message on this machine,
against 210-240 µs here, of which the two elliptic-curve operations take 135 µs. Tests decrypt
what this makes with http_ece, an implementation of the same RFCs written by others.
"""
import os
import struct

from cryptography.hazmat.primitives import hashes, hmac, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF, HKDFExpand

RECORD_SIZE = 4096  # the rs field: larger than any reminder, so every message is one record
TAG_LENGTH = 16
LAST_RECORD = b"\x02"  # RFC 8188's delimiter of the final record
KEY_INFO = b"WebPush: info\x00"
CEK_INFO = b"Content-Encoding: aes128gcm\x00"
NONCE_INFO = b"Content-Encoding: nonce\x00"


def browser_key(ua_public: bytes) -> ec.EllipticCurvePublicKey:
    """Return the browser's public key (its subscription's p256dh, decoded) as a key object;
    ValueError if it is not a point on P-256."""
    return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), ua_public)


def encrypt(plaintext: bytes, ua_public: bytes, auth_secret: bytes) -> bytes:
    """Return the aes128gcm body of a push message for the browser with these keys."""
    if len(plaintext) + len(LAST_RECORD) + TAG_LENGTH > RECORD_SIZE:
        raise ValueError("a push message must fit in one record")
    as_private = ec.generate_private_key(ec.SECP256R1())
    as_public = as_private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    ecdh_secret = as_private.exchange(ec.ECDH(), browser_key(ua_public))
    ikm = HKDF(hashes.SHA256(), 32, salt=auth_secret,
               info=KEY_INFO + ua_public + as_public).derive(ecdh_secret)
    salt = os.urandom(16)
    extract = hmac.HMAC(salt, hashes.SHA256())
    extract.update(ikm)
    prk = extract.finalize()
    cek = HKDFExpand(hashes.SHA256(), 16, info=CEK_INFO).derive(prk)
    nonce = HKDFExpand(hashes.SHA256(), 12, info=NONCE_INFO).derive(prk)
    record = AESGCM(cek).encrypt(nonce, plaintext + LAST_RECORD, None)
    header = salt + struct.pack("!IB", RECORD_SIZE, len(as_public)) + as_public
    return header + record
