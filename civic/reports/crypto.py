"""Encryption at rest for reports, their messages, notes and attachments.

The keys live outside the database, in ``REPORTS_KEY``: Fernet keys separated by commas, newest
first. MultiFernet encrypts with the first and decrypts with any, so a key is rotated by putting a
new one in front, re-encrypting (``reports rotate-key``), then dropping the old one.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from flask import current_app
from sqlalchemy import LargeBinary
from sqlalchemy.types import TypeDecorator


class ReportsKeyError(RuntimeError):
    """REPORTS_KEY is missing or holds something that is not a Fernet key."""


def key_list(setting: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in setting.replace("\n", ",").split(",") if part.strip())


@lru_cache(maxsize=8)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ReportsKeyError("REPORTS_KEY is not set")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ReportsKeyError("REPORTS_KEY holds a value that is not a Fernet key") from error


def check_keys(setting: str) -> None:
    """Raise ReportsKeyError unless ``setting`` holds at least one key and only Fernet keys."""
    _cipher(key_list(setting))


def cipher() -> MultiFernet:
    """The current application's keys."""
    return _cipher(key_list(current_app.config.get("REPORTS_KEY") or ""))


def encrypt(data: bytes) -> bytes:
    return cipher().encrypt(data)


def decrypt(token: bytes) -> bytes:
    return cipher().decrypt(token)


def rotate(token: bytes) -> bytes:
    """The same data encrypted with the newest key."""
    return cipher().rotate(token)


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


class EncryptedText(TypeDecorator):
    """Text stored as a Fernet token: the database holds only ciphertext."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(value.encode("utf-8"))

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(bytes(value)).decode("utf-8")


class EncryptedBytes(TypeDecorator):
    """Bytes (an attachment's content) stored as a Fernet token."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(bytes(value))

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(bytes(value))
