"""The server's VAPID key pair for web push: made on first use, kept in instance/ (0600)."""
import base64
import os
import secrets
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid

from ..config import ROOT

KEY_FILE_NAME = "vapid_private_key.pem"


def key_path(config) -> Path:
    """Return where the private key lives (VAPID_PRIVATE_KEY_FILE, else instance/)."""
    return Path(config.get("VAPID_PRIVATE_KEY_FILE") or ROOT / "instance" / KEY_FILE_NAME)


def _create_key_file(path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole to a private temporary file, then linked into place: a second process
    # starting at the same moment either wins the link or reads the complete winner.
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()


@cache
def _load(path: Path) -> Vapid:
    if not path.exists():
        _create_key_file(path)
    return Vapid(serialization.load_pem_private_key(path.read_bytes(), password=None))


def server_key(config) -> Vapid:
    """Return the server's VAPID key, generating it on first use."""
    return _load(key_path(config))


def application_server_key(config) -> str:
    """Return the public key as the browser's `applicationServerKey` (base64url, no padding)."""
    raw = server_key(config).public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def subject(config) -> str:
    """Return the VAPID `sub` claim: VAPID_SUBJECT, else a mailto: of the sender address."""
    if config.get("VAPID_SUBJECT"):
        return config["VAPID_SUBJECT"]
    sender = config.get("MAIL_SENDER") or "no-reply@localhost"
    address = sender.rsplit("<", 1)[-1].rstrip(">").strip()
    return f"mailto:{address}"
