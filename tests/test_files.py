"""Tests of skactive/_files.py: writing a file the user named, safely."""

import errno
import os

import pytest

from skactive._files import fsync_path, os_message, write_new_file


def test_writes_a_new_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "out.csv"
    write_new_file(path, "a,b\n1,2\n")
    assert path.read_text() == "a,b\n1,2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_an_existing_file_is_left_untouched_unless_overwrite(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("mine")
    with pytest.raises(FileExistsError, match="out.csv.*already exists"):
        write_new_file(path, "new")
    assert path.read_text() == "mine"
    write_new_file(path, "new", overwrite=True)
    assert path.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_protected_files_and_directories_are_never_written(tmp_path):
    pool = tmp_path / "pool.csv"
    pool.write_text("x\n1\n")
    link = tmp_path / "link.csv"
    link.symlink_to(pool)
    for path in (pool, link):
        with pytest.raises(ValueError, match="is the pool"):
            write_new_file(path, "gone", overwrite=True, protected=[(pool, "the pool")])
    assert pool.read_text() == "x\n1\n"
    write_new_file(tmp_path / "other.csv", "ok", protected=[(None, "no session")])
    with pytest.raises(ValueError, match="is a directory"):
        write_new_file(tmp_path, "text", overwrite=True)


def test_a_missing_folder_is_an_os_error_and_nothing_is_written(tmp_path):
    path = tmp_path / "missing" / "out.csv"
    with pytest.raises(OSError, match="Cannot write.*Nothing was written"):
        write_new_file(path, "text")
    assert list(tmp_path.iterdir()) == []


def test_os_message_and_fsync_of_a_missing_path():
    assert os_message(OSError(errno.ENOSPC, "No space left on device")) == (
        "No space left on device"
    )
    assert os_message(OSError("plain")) == "plain"
    fsync_path(os.path.join("no", "such", "path"))  # silently nothing to sync
