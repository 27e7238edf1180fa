"""Field encryption, keyed look-up hashes and masking for phones and ID numbers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from yulu.core.errors import ConfigurationError

log = logging.getLogger(__name__)
KEY_FILE_NAME = "yulu.key"


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"yulu-v1", info=purpose).derive(secret)


class FieldCipher:
    """Encrypts personal fields at rest and hashes them (HMAC) for equality look-ups."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ConfigurationError("secret key too short: use at least 16 characters")
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(secret, b"encrypt")))
        self._hash_key = _derive(secret, b"lookup-hash")

    def encrypt(self, value: str) -> bytes:
        """Encrypt a value for storage."""
        return self._fernet.encrypt(value.encode("utf-8"))

    def decrypt(self, token: bytes) -> str:
        """Decrypt a stored value."""
        try:
            return self._fernet.decrypt(token).decode("utf-8")
        except InvalidToken as exc:
            raise ConfigurationError(
                "stored data cannot be decrypted with this secret key"
            ) from exc

    def lookup_hash(self, value: str) -> str:
        """A keyed hash to find a row by phone or ID number without decrypting every row."""
        return hmac.new(self._hash_key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def load_cipher(*, secret: str | None, production: bool, key_dir: Path) -> FieldCipher:
    """The cipher from the configured secret; in development a key file is made beside the data."""
    if secret:
        return FieldCipher(secret.encode("utf-8"))
    if production:
        raise ConfigurationError(
            "YULU_ENV=production needs YULU_SECRET_KEY (or secret_key in config.yml)"
        )
    path = key_dir / KEY_FILE_NAME
    if not path.exists():
        key_dir.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.urlsafe_b64encode(os.urandom(32)))
        path.chmod(0o600)
        log.warning("no secret key configured: generated %s (keep it with the database)", path)
    return FieldCipher(path.read_bytes().strip())


def mask_phone(phone: str) -> str:
    """138****5678."""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


def mask_id_number(id_number: str) -> str:
    """4305**********1239."""
    return (
        f"{id_number[:4]}{'*' * (len(id_number) - 8)}{id_number[-4:]}"
        if len(id_number) > 8
        else "****"
    )
