"""Sealing survey submissions: one key per wave, kept outside the database and
destroyed when the wave closes.

Why a key per wave: a copy of the database keeps traces of every submission
(SQLite's WAL and free pages, PostgreSQL's dead tuples and WAL) in which the
participation row and the sealed submission sit side by side. While a wave is
open that cannot be avoided: the answers must be kept somewhere until the
wave closes. Once it has closed, its key no longer exists anywhere, so those
traces are sealed blobs that nobody can open, with any key that exists then.

- A wave's key is 32 random bytes written, when the wave opens, to a file
  named by the wave's random `key_id` in the key directory
  (`INTRANET_KEY_DIR`, default `keys/` beside `data/`, never the folder that
  holds the database or its backups). The key is never written to the
  database, so no database copy, backup or WAL ever holds it.
- If `INTRANET_SURVEY_KEY` is set, each wave key file is itself sealed under
  it, so a copy of the key directory alone opens nothing either.
- Closing a wave opens its pool in one transaction; once that transaction has
  committed, the wave's key file is overwritten and deleted, SQLite's WAL is
  checkpointed and truncated, and PostgreSQL's pool table is vacuumed. A sweep
  on every clock tick finishes the job if a process died in between.
- Waves opened before per-wave keys existed (`key_id` is NULL) are sealed
  under the legacy key (`INTRANET_SURVEY_KEY`, else `data/survey_key`); the
  sweep deletes a legacy key file once no open wave needs it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine, event, select, text
from sqlalchemy.orm import Session

from data_access import config

log = logging.getLogger("peyvand")

MASTER_ENV = config.SURVEY_KEY
KEY_DIR_ENV = config.KEY_DIR
MIN_MASTER_LENGTH = 32
_WRAPPED, _PLAIN = b"W1", b"P1"


class KeyConfigurationError(RuntimeError):
    """The survey key settings cannot work; the message says what to change."""


class WaveKeyMissing(RuntimeError):
    """An open wave's key file is not on this server (or the master key changed)."""


# --- Configuration ------------------------------------------------------------------

def key_dir() -> Path:
    return config.key_dir()


def _legacy_key_file() -> Path:
    return config.data_dir() / "survey_key"


def _key_bytes(secret: str) -> bytes:
    """32 key bytes from a configured secret: 64 hex digits as they are, any other
    string of at least 32 characters through SHA-256."""
    secret = secret.strip()
    if len(secret) == 64:
        try:
            return bytes.fromhex(secret)
        except ValueError:
            pass  # 64 characters that are not hex: a passphrase like any other
    if len(secret) < MIN_MASTER_LENGTH:
        raise KeyConfigurationError(
            f"{MASTER_ENV} must be at least {MIN_MASTER_LENGTH} characters; generate one with "
            "`python -c \"import secrets; print(secrets.token_hex(32))\"`")
    return hashlib.sha256(secret.encode()).digest()


def master_key() -> bytes | None:
    secret = config.survey_key()
    return _key_bytes(secret) if secret else None


def check_configuration() -> None:
    """Raise KeyConfigurationError with a clear message if sealing cannot work here.

    Called when the app and the command line start, so a bad key is reported
    once, plainly, instead of failing every submission.
    """
    master_key()
    directory = key_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        raise KeyConfigurationError(
            f"the survey key directory {directory} cannot be created ({error}); "
            f"set {KEY_DIR_ENV} to a writable directory shared by every app replica") from error
    if not os.access(directory, os.W_OK | os.X_OK):
        raise KeyConfigurationError(
            f"the survey key directory {directory} is not writable; "
            f"set {KEY_DIR_ENV} to a writable directory shared by every app replica")


def fingerprint() -> str:
    """A short, non-secret fingerprint of the master key (or 'none'), to compare replicas."""
    key = master_key()
    if key is None:
        return "none"
    return hashlib.sha256(b"peyvand-survey-key-fingerprint:" + key).hexdigest()[:16]


# --- Wave keys ------------------------------------------------------------------------

def new_key_id() -> str:
    return secrets.token_hex(16)


def _wave_key_path(key_id: str) -> Path:
    if len(key_id) != 32 or not all(c in "0123456789abcdef" for c in key_id):
        raise ValueError("malformed wave key id")
    return key_dir() / f"wave-{key_id}.key"


def create_wave_key(key_id: str) -> None:
    """Write a new random key for one wave (atomically, mode 600)."""
    key = AESGCM.generate_key(bit_length=256)
    master = master_key()
    if master is None:
        content = _PLAIN + key
    else:
        nonce = os.urandom(12)
        content = _WRAPPED + nonce + AESGCM(master).encrypt(nonce, key, key_id.encode())
    path = _wave_key_path(key_id)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_suffix(f".tmp{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, content)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, path)


def _wave_key(key_id: str) -> bytes:
    path = _wave_key_path(key_id)
    try:
        content = path.read_bytes()
    except FileNotFoundError as error:
        raise WaveKeyMissing(f"survey wave key {path} is missing on this server; every app "
                             f"replica must share {KEY_DIR_ENV}") from error
    if content[:2] == _PLAIN and len(content) == 34:
        return content[2:]
    if content[:2] == _WRAPPED:
        master = master_key()
        if master is None:
            raise WaveKeyMissing(f"survey wave key {path} is sealed under {MASTER_ENV}, "
                                 "which is not set")
        try:
            return AESGCM(master).decrypt(content[2:14], content[14:], key_id.encode())
        except InvalidTag as error:
            raise WaveKeyMissing(f"survey wave key {path} cannot be opened with the current "
                                 f"{MASTER_ENV}") from error
    raise WaveKeyMissing(f"survey wave key {path} is damaged")


def _legacy_key() -> bytes:
    """The one key that sealed every wave before per-wave keys, derived as it was then."""
    secret = config.survey_key()
    if not secret:
        path = _legacy_key_file()
        if not path.exists():
            raise WaveKeyMissing("the legacy survey key is missing")
        secret = path.read_text().strip()
    try:
        key = secret.encode() if len(secret) != 64 else bytes.fromhex(secret)
    except ValueError as error:
        raise WaveKeyMissing(f"the legacy {MASTER_ENV} is not valid hex") from error
    return key if len(key) == 32 else hashlib.sha256(key).digest()


def _shred(path: Path) -> bool:
    """Overwrite a small key file and delete it; False if it was not there."""
    try:
        size = path.stat().st_size
        with open(path, "r+b") as handle:
            handle.write(os.urandom(size))
            handle.flush()
            os.fsync(handle.fileno())
        path.unlink()
    except FileNotFoundError:
        return False
    return True


# --- Sealing ----------------------------------------------------------------------------

def _cipher(key_id: str | None) -> AESGCM:
    return AESGCM(_wave_key(key_id) if key_id else _legacy_key())


def seal(wave_id: int, key_id: str | None, size: int, payload: dict) -> bytes:
    """A submission encrypted under its wave's key and padded to the wave's size."""
    plain = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    if len(plain) > size:
        raise ValueError("submission larger than its wave's sealed size")
    nonce = os.urandom(12)
    return nonce + _cipher(key_id).encrypt(nonce, plain.ljust(size), f"wave:{wave_id}".encode())


class Opener:
    """Opens many sealed submissions of one wave with one key read."""

    def __init__(self, wave_id: int, key_id: str | None) -> None:
        self.aad = f"wave:{wave_id}".encode()
        self.cipher = _cipher(key_id)

    def open(self, sealed: bytes) -> dict:
        plain = self.cipher.decrypt(sealed[:12], sealed[12:], self.aad)
        return json.loads(plain.decode().rstrip(" "))


def unseal(wave_id: int, key_id: str | None, sealed: bytes) -> dict:
    return Opener(wave_id, key_id).open(sealed)


# --- After close: destroy keys and the traces of the pool --------------------------------

def destroy_closed_wave_keys(engine: Engine, key_ids: Iterable[str] | None = None) -> int:
    """Shred the key files of waves that have closed (as committed in the database).

    Only a wave the database shows as closed loses its key, so a close that
    rolled back never destroys the key of a wave that is still open. Returns
    how many key files were destroyed; when any was, the traces of the pool
    are scrubbed too.
    """
    from data_access.models.surveys import SurveyWave

    with Session(engine) as session:
        query = select(SurveyWave.id, SurveyWave.key_id).where(
            SurveyWave.status == "closed", SurveyWave.key_id.is_not(None))
        wanted = None if key_ids is None else set(key_ids)
        closed = [(wave_id, key_id) for wave_id, key_id in session.execute(query)
                  if wanted is None or key_id in wanted]
        legacy_open = session.scalar(select(SurveyWave.id).where(
            SurveyWave.status == "open", SurveyWave.key_id.is_(None)).limit(1))
    destroyed = sum(_shred(_wave_key_path(key_id)) for _, key_id in closed)
    if legacy_open is None and config.survey_key() is None:
        destroyed += _shred(_legacy_key_file())
    if destroyed:
        scrub(engine)
    return destroyed


_PENDING = "peyvand_destroy_wave_keys"


def destroy_after_commit(session: Session, key_id: str) -> None:
    """Destroy this wave key once the session's transaction has committed."""
    session.info.setdefault(_PENDING, set()).add(key_id)


@event.listens_for(Session, "after_commit")
def _destroy_pending(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint was released; the transaction is still open
    pending = session.info.pop(_PENDING, None)
    if pending:
        try:
            destroy_closed_wave_keys(session.get_bind(), pending)
        except Exception:  # noqa: BLE001 - the clock's sweep retries
            log.exception("could not destroy the keys of closed survey waves")


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)


def scrub(engine: Engine) -> None:
    """Best effort: push deleted pool rows out of the WAL and vacuum the pool.

    Not needed for the guarantee (the keys are gone), but it leaves a copy of
    the files even less to look at.
    """
    try:
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        elif engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM survey_submission_pool"))
    except Exception:  # noqa: BLE001 - a busy database is scrubbed on the next close
        log.warning("could not scrub the survey pool after close", exc_info=True)
