"""The one-writer lock of a session file: an OS lock on ``<session>.lock``.

The operating system releases it when the process ends, however it ends
(``kill -9`` included), so a crash never locks a session for good.
"""

import os

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None
    try:
        import msvcrt
    except ImportError:
        msvcrt = None

from ._files import os_message

__all__ = ["acquire_lock", "release_lock"]


def acquire_lock(path, lock_path):
    try:
        # Kept open while the session is: closing it releases the lock.
        handle = open(lock_path, "a+", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise OSError(
            f"Cannot open the session {path!r}: its lock file {lock_path!r} "
            f"cannot be created ({os_message(exc)}). Make the folder writable, "
            "or pass a path in a folder you can write to."
        ) from exc
    try:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        elif msvcrt is not None:  # pragma: no cover - Windows
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    except OSError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise OSError(
            f"The session {path!r} is in use by another process ({holder}): only "
            "one process at a time may label a session. Close the other "
            "skactive label (or LabelingSession) first, or pass another "
            "--session path."
        ) from None
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
    except OSError:  # the lock holds even if the note cannot be written
        pass
    return handle


def release_lock(handle):
    try:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    finally:
        handle.close()
