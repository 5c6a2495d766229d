"""Encryption and keyed look-up of identity numbers, keyed from ``ETABLERA_DATA_KEY``.

Two keys are derived from the setting with HKDF-SHA256, one per purpose, so that the look-up
hash can never be used to decrypt and the encryption key never appears in a hash:

* the encryption key: AES-256-GCM (authenticated encryption), a fresh 96-bit nonce per value;
  stored as ``v1:`` + URL-safe base64 of nonce and ciphertext. The prefix leaves room for a
  later key rotation.
* the look-up key: HMAC-SHA256 of the canonical 12-digit number, hex; unique and indexed, so
  an exact search is one index probe and the number itself is never compared in clear.

A third derived key makes the *check value* the database keeps (``DataKeyCheck``): an HMAC of a
constant, which tells whether a key is the one the numbers were encrypted with without
revealing anything about the key (see ``register.keycheck``).

A setting that is a Fernet key (``etablera generate_data_key``) gives its 32 random bytes as
the input key material; any other string (a passphrase, the development default) is used as
it is. HKDF turns either into keys of the right length; a passphrase is of course only as
strong as it is long, which is why production should use a generated key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "v1:"
_SALT = b"etablera-register-v1"
_AAD = b"etablera.register.participant.identity"


class DecryptionError(Exception):
    """The stored value cannot be decrypted with the configured key."""


def _key_material(setting: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(setting.encode())
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) == 32 and len(setting) == 44:
        return raw
    return setting.encode()


def _derive(material: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=purpose).derive(material)


_CHECK_CONSTANT = b"etablera data key check v1"


@dataclass(frozen=True)
class Keys:
    aead: AESGCM
    lookup: bytes
    check: bytes


@lru_cache(maxsize=4)
def keys_for(setting: str) -> Keys:
    """The keys derived from a value of ``ETABLERA_DATA_KEY`` (also an old or a new one)."""
    if not setting:
        raise ValueError("ETABLERA_DATA_KEY is empty")
    material = _key_material(setting)
    return Keys(
        aead=AESGCM(_derive(material, b"identity-encryption")),
        lookup=_derive(material, b"identity-lookup"),
        check=_derive(material, b"key-check"),
    )


def keys() -> Keys:
    """The keys for the current setting (cached per setting value, so tests may override it)."""
    return keys_for(settings.ETABLERA_DATA_KEY)


def check_value(k: Keys | None = None) -> str:
    """The key's check value: an HMAC of a constant under a key derived for nothing else."""
    k = k or keys()
    return hmac.new(k.check, _CHECK_CONSTANT, hashlib.sha256).hexdigest()


def encrypt(canonical: str, k: Keys | None = None) -> str:
    k = k or keys()
    nonce = os.urandom(12)
    sealed = k.aead.encrypt(nonce, canonical.encode("ascii"), _AAD)
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def decrypt(token: str, k: Keys | None = None) -> str:
    k = k or keys()
    if not token.startswith(PREFIX):
        raise DecryptionError("unknown format")
    try:
        blob = base64.urlsafe_b64decode(token[len(PREFIX) :].encode("ascii"))
        return k.aead.decrypt(blob[:12], blob[12:], _AAD).decode("ascii")
    except (InvalidTag, ValueError, binascii.Error) as exc:
        raise DecryptionError("the value cannot be decrypted with this key") from exc


def lookup_hash(canonical: str, k: Keys | None = None) -> str:
    k = k or keys()
    return hmac.new(k.lookup, canonical.encode("ascii"), hashlib.sha256).hexdigest()
