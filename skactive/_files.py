"""Files the user names: write a new one safely, never over what must stay."""

import contextlib
import os

__all__ = ["fsync_path", "os_message", "write_new_file"]


def os_message(exc):
    return exc.strerror or str(exc)


def fsync_path(path):
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # directories cannot be fsynced everywhere
        pass
    finally:
        os.close(fd)


def write_new_file(path, text, *, overwrite=False, protected=()):
    """Write ``text`` to a file the user named, never over what they did not.

    Parameters
    ----------
    path : str or path-like
    text : str
    overwrite : bool, default=False
        Replace an existing file (never one of ``protected``).
    protected : sequence of (str, str)
        ``(path, what)`` pairs never written to, such as the pool and the
        session file, compared after resolving links.

    Raises
    ------
    FileExistsError
        If ``path`` exists and ``overwrite`` is False; it is left untouched.
    ValueError
        If ``path`` is a protected file.
    OSError
        If the file cannot be written (missing folder, no permission, full
        disk); an existing file is left as it was.
    """
    path = os.fspath(path)
    for other, what in protected:
        if other is not None and _same_file(path, os.fspath(other)):
            raise ValueError(
                f"{path!r} is {what}; it is never overwritten. Pass another "
                "output file name."
            )
    if os.path.isdir(path):
        raise ValueError(f"{path!r} is a directory; pass a file name.")
    if os.path.exists(path) and not overwrite:
        raise FileExistsError(
            f"{path!r} already exists and was left untouched; pass a new file "
            "name (or --overwrite to replace it)."
        )
    folder = os.path.dirname(os.path.abspath(path))
    temporary = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        with open(temporary, "x", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # refuses a file created meanwhile
    except FileExistsError:
        raise FileExistsError(
            f"{path!r} already exists and was left untouched; pass a new file "
            "name (or --overwrite to replace it)."
        ) from None
    except OSError as exc:
        raise OSError(
            f"Cannot write {path!r}: {os_message(exc)}. Nothing was written; "
            "check that the folder exists and is writable, and that the disk "
            "has room."
        ) from exc
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _same_file(a, b):
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)
