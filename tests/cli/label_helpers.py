"""Helpers the label command tests share: a terminal, answer files, stored answers."""

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from skactive.cli.label import _Pool

ROOT = Path(__file__).resolve().parent.parent


def stored(session_path):
    """Answers and skips in a session file, read with plain sqlite3."""
    import sqlite3

    connection = sqlite3.connect(session_path)
    try:
        answers = dict(connection.execute("SELECT position, value FROM answers"))
        skips = [p for (p,) in connection.execute("SELECT position FROM skips")]
    finally:
        connection.close()
    return answers, skips


class Terminal:
    """A child process on a pseudo-terminal, read and typed into like a person."""

    def __init__(self, args, cwd):
        master, slave = pty.openpty()
        env = dict(os.environ, PYTHONPATH=str(ROOT), TERM="dumb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "skactive.cli", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=env,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.screen = ""
        self.consumed = 0  # screen text before this was matched already

    def expect(self, pattern, timeout=60):
        """Read until ``pattern`` (a regex) is on screen; return the match."""
        deadline = time.monotonic() + timeout
        while True:
            match = re.compile(pattern).search(self.screen, self.consumed)
            if match:
                self.consumed = match.end()
                return match
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{pattern!r} not seen; screen:\n{self.screen}")
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(
                        f"{pattern!r} not seen before exit:\n{self.screen}"
                    )
                self.screen += chunk.decode(errors="replace").replace("\r\n", "\n")

    def type(self, text):
        os.write(self.master, (text + "\n").encode())

    def close(self):
        try:
            self.process.wait(timeout=30)
        finally:
            os.close(self.master)
        return self.process.returncode


PROMPT = r"price for row (\d+) \[a number, s = skip, u = undo, q = quit\]: "


def answers_file(pool_csv, path, lines, drop=()):
    """An answers file as --export writes it: (row, features of row, answer)."""
    frame = pd.read_csv(pool_csv)
    sources = [s if isinstance(s, tuple) else (s, {}) for _, s, _ in lines]
    table = frame.iloc[[source for source, _ in sources]].copy()
    for i, (_, edits) in enumerate(sources):
        for column, value in edits.items():
            table.iloc[i, table.columns.get_loc(column)] = value
    table.insert(0, "row", [row for row, _, _ in lines])
    table["price"] = [answer for _, _, answer in lines]
    table.drop(columns=list(drop)).to_csv(path, index=False)
    return path


def pool_row_position(pool_csv, row):
    return _Pool(pool_csv, "price").position_of(row)


def label_args(pool_csv, session, *more):
    return [
        "label",
        str(pool_csv),
        "--target",
        "price",
        "--session",
        str(session),
        *more,
    ]


def fill(batch_path, values):
    batch = pd.read_csv(batch_path)
    batch["price"] = values
    batch.to_csv(batch_path, index=False)
    return batch


def as_ordinary_user():
    """A command prefix under which file modes apply.

    Root ignores file modes (CAP_DAC_OVERRIDE), so as root the child runs
    with that capability dropped from its bounding set: a real permission
    check, not a simulated one.
    """
    if os.geteuid() != 0:
        return []
    import shutil

    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip(
            "running as root, where chmod does not stop writes, and util-linux "
            "setpriv (to drop CAP_DAC_OVERRIDE) is not installed"
        )
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--"]
