"""The session file: SQLite storage, the one-writer lock, format upgrades.

Storage choices
---------------
* One SQLite file (Python's own ``sqlite3``), one transaction per answer:
  when an answer call returns, the answer is on disk. A crash, a killed
  process or a full disk loses at most the answer being given.
* The default rollback journal (``journal_mode=DELETE``) with
  ``synchronous=FULL``, not WAL: answers come at the pace of a person, so
  WAL's speed buys nothing, while WAL keeps committed answers in a separate
  ``-wal`` file until a checkpoint; a user who copies or mails the session
  file alone would lose them. With the rollback journal the ``.db`` file
  holds every committed answer by itself.
* The file identifies itself (``PRAGMA application_id``, ``user_version``
  and a ``meta`` table): a file that is not a skactive session, is empty,
  corrupt or newer is refused with a clear message and never written to.
  Its header is read with plain file I/O before SQLite opens it.
* A new session is built in a temporary file and linked into place only
  once complete, so an interrupted start never leaves a half-made session.
* One process writes a session at a time: it holds an exclusive
  ``flock`` on ``<session>.lock`` (kept next to the session, never
  deleted). The operating system releases the lock when the process ends,
  however it ends (``kill -9`` included), so a crash never locks a
  session for good.
* Answers are stored with their row's identity (``_row_identity``), not
  only its position: format 2. A format-1 file (answers by position, pool
  checked by one fingerprint) is upgraded in place, in one transaction, when
  opened with the pool it was started with.
"""

import contextlib
import json
import os
import sqlite3

import numpy as np

from ._files import fsync_path, os_message
from ._lock import acquire_lock, release_lock

__all__ = ["APPLICATION_ID", "FORMAT_VERSION", "SessionStore", "Transaction"]

# "skAL" in ASCII: identifies the file as a skactive labeling session.
APPLICATION_ID = 0x736B414C
FORMAT_VERSION = 2
_SQLITE_HEADER = b"SQLite format 3\x00"

_SCHEMA_META = "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
_SCHEMA_ROWS = """
CREATE TABLE answers (
    row_id TEXT PRIMARY KEY, value REAL NOT NULL, position INTEGER NOT NULL,
    row_text TEXT, annotator TEXT, answered_at TEXT NOT NULL);
CREATE TABLE skips (
    row_id TEXT PRIMARY KEY, position INTEGER NOT NULL, annotator TEXT,
    skipped_at TEXT NOT NULL);
"""
_SCHEMA_EVENTS = """
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,
    position INTEGER NOT NULL, value REAL, at TEXT NOT NULL,
    row_id TEXT, annotator TEXT);
"""
_SCHEMA = _SCHEMA_META + _SCHEMA_ROWS + _SCHEMA_EVENTS


class SessionStore:
    """Open (or create) one session file, holding its lock until closed.

    Parameters
    ----------
    path : str
    """

    def __init__(self, path):
        self.path = path
        self.lock_path = path + ".lock"
        self.connection = None
        self._lock = None
        self.version = 0  # 0: the file does not exist yet

    # -------------------------------------------------------------- opening

    def open(self):
        """Check the path, take the lock, read the header; nothing written."""
        path = self.path
        if os.path.isdir(path):
            raise ValueError(
                f"{path!r} is a directory; pass a file path for the session."
            )
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise FileNotFoundError(
                f"Cannot open the session {path!r}: the folder {folder!r} does not "
                "exist (or is not a folder). Create it, or pass a path in an "
                "existing folder."
            )
        self._lock = acquire_lock(path, self.lock_path)
        try:
            if os.path.exists(path):
                self.version = _check_header(path)
                if not os.access(path, os.R_OK | os.W_OK):
                    raise PermissionError(
                        f"Cannot open the session {path!r}: the file is not "
                        "writable (or readable) by you. Make it writable, or copy "
                        "it to a folder of yours."
                    )
                self.connection = self._connect()
                self._pragmas()
        except BaseException:
            self.close()
            raise
        return self

    def _connect(self, path=None):
        path = self.path if path is None else path
        try:
            return sqlite3.connect(path, isolation_level=None)
        except sqlite3.Error as exc:
            raise OSError(
                f"Cannot open the session file {self.path!r}: {exc}."
            ) from exc

    def _pragmas(self):
        try:
            self.connection.execute("PRAGMA synchronous=FULL")
            self.connection.execute("PRAGMA journal_mode=DELETE")
        except sqlite3.DatabaseError as exc:
            raise _corrupt(self.path, exc) from exc

    def read_meta(self):
        """Integrity check and the meta table; SQLite rolls back a hot journal."""
        try:
            check = self.connection.execute("PRAGMA quick_check").fetchone()[0]
            meta = dict(
                self.connection.execute("SELECT key, value FROM meta").fetchall()
            )
            tables = {
                name
                for (name,) in self.connection.execute(
                    "SELECT name FROM sqlite_master WHERE type='table'"
                )
            }
        except sqlite3.DatabaseError as exc:
            raise _corrupt(self.path, exc) from exc
        if check != "ok":
            raise ValueError(
                f"{self.path!r} is corrupt (SQLite integrity check: {check}). It "
                "was left untouched; restore it from a backup."
            )
        if not {"answers", "skips", "events"} <= tables:
            raise ValueError(
                f"{self.path!r} is corrupt or not a skactive labeling session (its "
                f"tables are {sorted(tables)}). It was left untouched."
            )
        return meta

    def create(self, meta):
        """Build a new session in a temporary file, then link it into place."""
        temporary = f"{self.path}.new-{os.getpid()}"
        try:
            connection = self._connect(temporary)
            try:
                with Transaction(connection, self.path):
                    connection.execute("PRAGMA journal_mode=DELETE")
                    connection.executescript(
                        "BEGIN IMMEDIATE;"
                        + _SCHEMA
                        + f"PRAGMA application_id={APPLICATION_ID};"
                        + f"PRAGMA user_version={FORMAT_VERSION};"
                    )
                    connection.executemany(
                        "INSERT INTO meta VALUES (?, ?)", sorted(meta.items())
                    )
            finally:
                connection.close()
            fsync_path(temporary)
            try:
                os.link(temporary, self.path)  # fails if the path appeared
            except FileExistsError:
                raise OSError(
                    f"{self.path!r} appeared while the session was being "
                    "created; open it again."
                ) from None
            except OSError:  # file systems without hard links
                os.replace(temporary, self.path)
        except OSError as exc:
            if self.path in str(exc):
                raise
            raise OSError(
                f"Cannot create the session file {self.path!r}: "
                f"{os_message(exc)}. Free disk space or make the folder "
                "writable, or pass another path."
            ) from exc
        finally:
            for leftover in (temporary, temporary + "-journal"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(leftover)
        fsync_path(os.path.dirname(os.path.abspath(self.path)))
        self.version = FORMAT_VERSION
        self.connection = self._connect()
        self._pragmas()

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None
        if self._lock is not None:
            release_lock(self._lock)
            self._lock = None

    # ------------------------------------------------------------ upgrading

    def upgrade_v1(self, identities, row_texts, is_teachable, meta):
        """Rewrite a format-1 file (answers by position) as format 2.

        Parameters
        ----------
        identities, row_texts : list of str, one per pool position
        is_teachable : callable value -> bool
        meta : dict of meta entries to add

        Returns
        -------
        withdrawn : list of (position, value)
            Stored answers that could never be taught (non-finite, or beyond
            float32): kept in the event log, not as answers.
        """
        connection = self.connection
        withdrawn = []
        with Transaction(connection, self.path):
            connection.execute("BEGIN IMMEDIATE")
            old_answers = connection.execute(
                "SELECT position, value, answered_at FROM answers"
            ).fetchall()
            old_skips = connection.execute(
                "SELECT position, skipped_at FROM skips"
            ).fetchall()
            # One statement at a time: executescript would commit first.
            for statement in [
                "ALTER TABLE events ADD COLUMN row_id TEXT",
                "ALTER TABLE events ADD COLUMN annotator TEXT",
                "DROP TABLE answers",
                "DROP TABLE skips",
                *_SCHEMA_ROWS.split(";"),
            ]:
                if statement.strip():
                    connection.execute(statement)
            for position, value, at in old_answers:
                if not is_teachable(value):
                    withdrawn.append((int(position), value))
                    connection.execute(
                        "INSERT INTO events (kind, position, value, at, row_id) "
                        "VALUES ('withdrawn', ?, ?, datetime('now'), ?)",
                        (position, value, identities[position]),
                    )
                    continue
                connection.execute(
                    "INSERT INTO answers (row_id, value, position, row_text, "
                    "answered_at) VALUES (?, ?, ?, ?, ?)",
                    (identities[position], value, position, row_texts[position], at),
                )
            for position, at in old_skips:
                connection.execute(
                    "INSERT INTO skips (row_id, position, skipped_at) VALUES (?, ?, ?)",
                    (identities[position], position, at),
                )
            for position in {
                p
                for (p,) in connection.execute(
                    "SELECT DISTINCT position FROM events"
                ).fetchall()
            }:
                if 0 <= position < len(identities):
                    connection.execute(
                        "UPDATE events SET row_id = ? WHERE position = ?",
                        (identities[position], position),
                    )
            connection.executemany(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)", sorted(meta.items())
            )
            connection.execute(f"PRAGMA user_version={FORMAT_VERSION}")
        self.version = FORMAT_VERSION
        return withdrawn


class Transaction:
    """Commit on success; on any error roll back, so nothing of it is stored.

    A failed write (disk full, read-only file) becomes an ``OSError`` that
    names the file and says nothing was stored.
    """

    def __init__(self, connection, path):
        self.connection = connection
        self.path = path

    def __enter__(self):
        return self.connection

    def _rollback(self):
        if self.connection.in_transaction:
            # SQLite may have rolled back already.
            with contextlib.suppress(sqlite3.Error):
                self.connection.execute("ROLLBACK")

    def _storage_error(self, error):
        return OSError(
            f"Could not write to the session file {self.path!r}: {error}. Nothing "
            "from this call was stored; free disk space (or make the file and its "
            "folder writable) and try again."
        )

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            if self.connection.in_transaction:
                try:
                    self.connection.execute("COMMIT")
                except sqlite3.Error as error:
                    self._rollback()
                    raise self._storage_error(error) from error
            return False
        self._rollback()
        if issubclass(exc_type, sqlite3.Error):
            raise self._storage_error(exc) from exc
        return False


# ------------------------------------------------------------------ helpers


def _corrupt(path, exc):
    return ValueError(
        f"{path!r} is corrupt or not a skactive labeling session ({exc}). "
        "It was left untouched; restore it from a backup or pass a new path."
    )


def _check_header(path):
    """Read the file's own header (no SQLite connection, nothing written).

    Returns
    -------
    version : int
        The session format of the file.
    """
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise OSError(
            f"Cannot read the session file {path!r}: {os_message(exc)}."
        ) from exc
    if not header:
        raise ValueError(
            f"{path!r} is empty (0 bytes): it is not a labeling session, and no "
            "answer can be read from it. It was left untouched. If it held a "
            "session, restore it from a backup; otherwise delete it or pass "
            "another path."
        )
    if header[:16] != _SQLITE_HEADER:
        raise ValueError(
            f"{path!r} is not a skactive labeling session (it is not an SQLite "
            "file). It was left untouched; pass a new path to start a session."
        )
    if len(header) < 100:
        raise ValueError(
            f"{path!r} is corrupt (truncated to {len(header)} bytes). It was left "
            "untouched; restore it from a backup."
        )
    # SQLite header: user_version at byte 60, application_id at byte 68.
    version = int.from_bytes(header[60:64], "big")
    application_id = int.from_bytes(header[68:72], "big")
    if application_id != APPLICATION_ID:
        raise ValueError(
            f"{path!r} is not a skactive labeling session (an SQLite database of "
            "another application). It was left untouched; pass a new path to "
            "start a session."
        )
    if version > FORMAT_VERSION:
        raise ValueError(
            f"{path!r} was written by a newer skactive (session format {version}, "
            f"this version reads {FORMAT_VERSION}); upgrade skactive."
        )
    if version < 1:
        raise ValueError(
            f"{path!r} is corrupt (no session format in its header). It was left "
            "untouched; restore it from a backup."
        )
    return version


_FLOAT32_MAX = float(np.finfo(np.float32).max)


def is_teachable_value(value):
    """Finite and within float32 range (trees and many learners cast to it)."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return False
    return bool(np.isfinite(value) and abs(value) <= _FLOAT32_MAX)


def encode_columns(columns):
    return json.dumps(list(columns))


def decode_columns(text):
    return json.loads(text) if text else None
