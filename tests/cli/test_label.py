"""Tests of skactive/cli/label.py: the label command (sessions, stopping, corrections, storage)."""

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from label_helpers import (
    PROMPT,
    ROOT,
    Terminal,
    answers_file,
    as_ordinary_user,
    label_args,
    pool_row_position,
    stored,
)

from skactive.cli import main


def test_foreign_session_file_is_refused(pool_csv, tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a session\n" * 100)
    before = hashlib.sha256(notes.read_bytes()).hexdigest()
    code = main(
        [
            "label",
            str(pool_csv),
            "--target",
            "price",
            "--session",
            str(notes),
            "--export",
            str(tmp_path / "n.csv"),
        ]
    )
    assert code == 1
    assert "is not a skactive labeling session" in capsys.readouterr().err
    assert hashlib.sha256(notes.read_bytes()).hexdigest() == before


def test_changed_pool_csv(pool_csv, tmp_path, capsys):
    session = tmp_path / "s.db"
    base = ["--target", "price", "--session", str(session)]
    good = answers_file(pool_csv, tmp_path / "a.csv", [(20, 20, "5")])
    assert main(["label", str(pool_csv), *base, "--import", str(good)]) == 0
    original = pool_csv.read_bytes()
    frame = pd.read_csv(pool_csv)
    frame.loc[30, "price"] = 99.0  # another row priced by hand: fine
    frame.loc[31, "sqft"] = 1.0  # an unanswered row edited: fine
    frame.to_csv(pool_csv, index=False)
    out = tmp_path / "labeled.csv"
    assert main(["label", str(pool_csv), *base, "--write-labeled", str(out)]) == 0
    assert pd.read_csv(out).loc[20, "price"] == 5.0
    for edit, hint in [
        ("sqft", "feature values are not the same"),
        ("price", "filled in since"),
    ]:
        changed = pd.read_csv(pool_csv)
        changed.loc[20, edit] = 7.0  # the answered row changed, or priced by hand
        changed.to_csv(pool_csv, index=False)
        code = main(
            ["label", str(pool_csv), *base, "--export", str(tmp_path / "n.csv")]
        )
        err = capsys.readouterr().err
        assert code == 1 and "no longer in the pool" in err and hint in err, err
        assert "answer 5" in err and "Traceback" not in err
    pool_csv.write_bytes(original)
    assert (
        main(["label", str(pool_csv), *base, "--export", str(tmp_path / "n.csv")]) == 0
    )


def test_stopping_option_ends_the_prompt(pool_csv, tmp_path):
    term = Terminal(
        [
            "label",
            str(pool_csv),
            "--target",
            "price",
            "--session",
            "s.db",
            "--batch",
            "2",
            "--max-labels",
            "10",
        ],
        tmp_path,
    )
    for value in ("1", "2"):
        term.expect(PROMPT)
        term.type(value)
    term.expect(r"Stopping: label budget reached: 10 labels >= max_labels=10")
    assert term.close() == 0


# ------------------------------------------------ the scenarios (#13)


def test_correct_and_forget_from_the_command_line(pool_csv, tmp_path, capsys):
    session = tmp_path / "s.db"
    good = answers_file(pool_csv, tmp_path / "a.csv", [(20, 20, "5"), (21, 21, "6")])
    assert main(label_args(pool_csv, session, "--import", str(good))) == 0
    position = pool_row_position(pool_csv, 20)
    assert main(label_args(pool_csv, session, "--correct", "20", "50")) == 0
    assert "Stored price = 50 for row 20 (was 5)" in capsys.readouterr().out
    assert stored(session)[0][position] == 50.0
    assert main(label_args(pool_csv, session, "--correct", "20", "1e9")) == 1
    assert "add --confirm" in capsys.readouterr().err
    assert (
        main(label_args(pool_csv, session, "--correct", "20", "1e9", "--confirm")) == 0
    )
    assert main(label_args(pool_csv, session, "--forget", "21")) == 0
    assert "Forgot the answer 6 of row 21" in capsys.readouterr().out
    assert main(label_args(pool_csv, session, "--forget", "21")) == 1
    assert "Nothing is stored" in capsys.readouterr().err
    assert main(label_args(pool_csv, session, "--forget", "3")) == 1
    assert "Row 3 is not a row to label" in capsys.readouterr().err
    assert stored(session)[0] == {position: 1e9}


@pytest.mark.parametrize("damage", ["missing folder", "empty file", "truncated"])
def test_storage_errors_are_one_line(pool_csv, tmp_path, capsys, damage):
    session = tmp_path / "s.db"
    if damage == "missing folder":
        session = tmp_path / "nowhere" / "s.db"
        message = "folder .* does not exist"
    elif damage == "empty file":
        session.write_bytes(b"")
        message = r"is empty \(0 bytes\)"
    else:
        assert (
            main(label_args(pool_csv, session, "--export", str(tmp_path / "b.csv")))
            == 0
        )
        session.write_bytes(session.read_bytes()[:40])
        message = "truncated"
    before = session.read_bytes() if session.exists() else None
    code = main(label_args(pool_csv, session, "--export", str(tmp_path / "n.csv")))
    err = capsys.readouterr().err
    assert code == 1 and re.search(message, err) and str(session) in err, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert (session.read_bytes() if session.exists() else None) == before
    assert not (tmp_path / "n.csv").exists()


def test_read_only_folder_and_file(pool_csv):
    import shutil
    import tempfile

    prefix = as_ordinary_user()
    top = Path(tempfile.mkdtemp(prefix="skactive-ro-"))
    try:
        top.chmod(0o755)
        folder = top / "ro"
        folder.mkdir()
        shutil.copy(pool_csv, folder / "pool.csv")
        session = folder / "s.db"
        assert (
            main(
                label_args(folder / "pool.csv", session, "--export", str(top / "b.csv"))
            )
            == 0
        )
        (top / "b.csv").unlink()
        fill_me = answers_file(folder / "pool.csv", top / "a.csv", [(20, 20, "5")])
        fill_me.chmod(0o644)
        before = session.read_bytes()
        folder.chmod(0o555)
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        runs = {
            # The session file is writable, its folder is not (no journal).
            "import, read-only folder": (
                label_args(folder / "pool.csv", session, "--import", str(fill_me)),
                "Could not write to the session file",
            ),
            "import, read-only file": (
                label_args(folder / "pool.csv", session, "--import", str(fill_me)),
                "the file is not writable",
            ),
            "new session": (
                label_args(
                    folder / "pool.csv",
                    folder / "new.db",
                    "--export",
                    str(top / "x.csv"),
                ),
                "lock file .* cannot be created",
            ),
        }
        for name, (args, message) in runs.items():
            if name == "import, read-only file":
                session.chmod(0o444)
            done = subprocess.run(
                [*prefix, sys.executable, "-m", "skactive.cli", *args],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
            )
            assert done.returncode == 1, (name, done.stderr)
            assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
            assert re.search(message, done.stderr), (name, done.stderr)
            assert str(folder) in done.stderr
        assert session.read_bytes() == before
        assert not (folder / "new.db").exists()
    finally:
        folder.chmod(0o755)
        shutil.rmtree(top)


def test_two_processes_and_sigkill(pool_csv, tmp_path, capsys):
    import signal

    args = label_args(pool_csv, "s.db", "--batch", "2")
    term = Terminal(args, tmp_path)
    term.expect(PROMPT)
    term.type("123")
    term.expect(r"saved price = 123")
    term.expect(PROMPT)
    # A second window on the same session is refused while the first labels.
    second = label_args(
        pool_csv, tmp_path / "s.db", "--export", str(tmp_path / "b.csv")
    )
    assert main(second) == 1
    err = capsys.readouterr().err
    assert (
        f"{tmp_path / 's.db'}' is in use by another process (pid {term.process.pid})"
        in err
    )
    assert not (tmp_path / "b.csv").exists()
    term.process.send_signal(signal.SIGKILL)  # the first window dies holding it
    assert term.close() == -signal.SIGKILL
    assert main(second) == 0  # the OS released the lock
    answers, _ = stored(tmp_path / "s.db")
    assert list(answers.values()) == [123.0]
