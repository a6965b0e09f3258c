"""`skactive label`: driven as a person would, through a pseudo-terminal."""

import hashlib
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skactive.cli import main
from skactive.cli._common import default_pipeline
from skactive.cli.label import _Pool

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def pool_csv(tmp_path):
    """60 houses: numbers, a category, missing inputs; 8 priced, 52 to label."""
    rng = np.random.RandomState(0)
    n = 60
    frame = pd.DataFrame(
        {
            "sqft": rng.uniform(50, 200, n).round(1),
            "rooms": rng.randint(1, 6, n),
            "district": rng.choice(["north", "south", "east"], n),
        }
    )
    frame.loc[3, "sqft"] = np.nan
    frame.loc[5, "district"] = np.nan
    frame["price"] = (frame["sqft"].fillna(100) * 2 + frame["rooms"] * 10).round(1)
    frame.loc[8:, "price"] = np.nan
    path = tmp_path / "pool.csv"
    frame.to_csv(path, index=False)
    return path


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


def test_a_person_labels_at_the_prompt_and_resumes(pool_csv, tmp_path):
    args = [
        "label",
        str(pool_csv),
        "--target",
        "price",
        "--session",
        "s.db",
        "--batch",
        "2",
    ]
    term = Terminal(args, tmp_path)
    term.expect(r"Progress: 8 labels \(8 from pool.csv, 0 answered")
    term.expect(r"Estimated error \(out-of-bag RMSE\): [0-9.]+")
    term.expect(r"district : ")
    term.expect(r"model's guess: [-0-9.e+]+ \+/- [0-9.e+]+")
    first = int(term.expect(PROMPT).group(1))
    term.type("lots")  # not a number: asked again
    term.expect(r"'lots' is not a number; type a number, s to skip or q to quit")
    assert int(term.expect(PROMPT).group(1)) == first
    term.type("123.5")
    term.expect(rf"saved price = 123.5 for row {first}")
    second = int(term.expect(PROMPT).group(1))
    term.type("s")
    term.expect(rf"skipped row {second}")
    term.expect(
        r"Progress: 9 labels \(8 from pool.csv, 1 answered in this session\), "
        r"1 skipped, 50 rows left"
    )
    third = int(term.expect(PROMPT).group(1))
    assert third not in (first, second)
    term.type("q")
    term.expect(r"Saved. Run the same command again to resume.")
    assert term.close() == 0

    pool = _Pool(pool_csv, "price")
    answers, skips = stored(tmp_path / "s.db")
    assert {pool.row_of(p): v for p, v in answers.items()} == {first: 123.5}
    assert [pool.row_of(p) for p in skips] == [second]

    # Resume: the answer is there, the skipped row is never asked again.
    term = Terminal(args, tmp_path)
    term.expect(r"Progress: 9 labels \(8 from pool.csv, 1 answered")
    asked = int(term.expect(PROMPT).group(1))
    assert asked not in (first, second)
    term.type("88")
    term.expect(r"saved price = 88")
    term.expect(PROMPT)
    os.write(term.master, b"\x04")  # Ctrl-D at the prompt: quit, answers kept
    term.expect(r"Saved\.")
    assert term.close() == 0
    answers, _ = stored(tmp_path / "s.db")
    assert sorted(answers.values()) == [88.0, 123.5]


def test_export_then_import(pool_csv, tmp_path, capsys):
    session = tmp_path / "s.db"
    base = ["label", str(pool_csv), "--target", "price", "--session", str(session)]
    out = tmp_path / "next.csv"
    assert main(base + ["--export", str(out), "--batch", "4"]) == 0
    batch = pd.read_csv(out)
    assert list(batch.columns) == [
        "row",
        "sqft",
        "rooms",
        "district",
        "price",
        "model_guess",
        "model_spread",
    ]
    assert len(batch) == 4 and batch["price"].isna().all()
    assert set(batch["row"]) <= set(range(8, 60))
    batch["price"] = batch["price"].astype(object)
    batch.loc[0, "price"] = "skip"
    batch.loc[1:, "price"] = [10.0, 20.0, 30.0]
    answers_path = tmp_path / "answers.csv"
    batch.to_csv(answers_path, index=False)
    assert main(base + ["--import", str(answers_path)]) == 0
    assert "Imported 3 answers and 1 skips" in capsys.readouterr().out
    pool = _Pool(pool_csv, "price")
    answers, skips = stored(session)
    assert {pool.row_of(p): v for p, v in answers.items()} == dict(
        zip(batch["row"][1:], [10.0, 20.0, 30.0])
    )
    assert [pool.row_of(p) for p in skips] == [batch["row"][0]]
    # The next export proposes none of them (to a new file: the filled batch
    # is never overwritten).
    before = out.read_bytes()
    assert main(base + ["--export", str(out), "--batch", "4"]) == 1
    assert "already exists and was left untouched" in capsys.readouterr().err
    assert out.read_bytes() == before
    again = tmp_path / "next2.csv"
    assert main(base + ["--export", str(again), "--batch", "4"]) == 0
    assert not set(pd.read_csv(again)["row"]) & set(batch["row"])


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


@pytest.mark.parametrize(
    "lines, drop, message",
    [
        ([(9, 9, "1.5"), (9999, 2, "2")], (), r"unknown row 9999 \(is not a row of"),
        ([(9, 9, "1.5"), (2, 2, "2")], (), r"unknown row 2 \(already has a target"),
        ([(9, 9, "1.5"), (10, 10, "cheap")], (), r"row 10: 'cheap' is not a number"),
        ([(9, 9, "1.5"), (10, 10, "")], (), r"row 10 has no answer"),
        ([(9, 9, "1.5"), (9, 9, "2")], (), r"row 9 appears twice"),
        ([(9, 9, "1.5"), (10, 10, "inf")], (), r"is not finite"),
        ([(9, 9, "1.5"), (10, 10, "1e39")], (), r"too large to learn from"),
        (
            [(9, 9, "1.5"), (10, (10, {"sqft": 1.25}), "2")],
            (),
            r"line 3: row 10 is not the row exported \(sqft 1.25 in the file, "
            r"[0-9.]+ in pool.csv\); no row to label has this line's values",
        ),
        ([(9, 9, "1.5")], ("price",), r"no column\(s\) \['price'\]"),
        ([(9, 9, "1.5")], ("sqft",), r"no column\(s\) \['sqft'\]"),
    ],
)
def test_bad_answers_file_stores_nothing(
    pool_csv, tmp_path, capsys, lines, drop, message
):
    session = tmp_path / "s.db"
    base = ["label", str(pool_csv), "--target", "price", "--session", str(session)]
    good = answers_file(pool_csv, tmp_path / "good.csv", [(20, 20, "5")])
    assert main(base + ["--import", str(good)]) == 0
    before = stored(session)
    bad = answers_file(pool_csv, tmp_path / "bad.csv", lines, drop)
    assert main(base + ["--import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert re.search(message, err), err
    assert "Nothing was stored" in err or "nothing was stored" in err
    assert "Traceback" not in err
    assert stored(session) == before == ({pool_row_position(pool_csv, 20): 5.0}, [])


def pool_row_position(pool_csv, row):
    return _Pool(pool_csv, "price").position_of(row)


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


@pytest.mark.parametrize(
    "edit, message",
    [
        (
            lambda f: f.assign(
                price=f["price"].astype(object).where(f.index != 1, "cheap")
            ),
            "non-numeric values in rows \\[1\\]",
        ),
        (lambda f: f.drop(columns="price"), "has no column 'price'"),
        (lambda f: f.assign(price=1.0), "nothing to label"),
    ],
)
def test_bad_pool_csv(pool_csv, tmp_path, capsys, edit, message):
    edit(pd.read_csv(pool_csv)).to_csv(pool_csv, index=False)
    code = main(
        [
            "label",
            str(pool_csv),
            "--target",
            "price",
            "--session",
            str(tmp_path / "s.db"),
            "--export",
            str(tmp_path / "n.csv"),
        ]
    )
    assert code == 1
    assert re.search(message, capsys.readouterr().err)
    assert not (tmp_path / "s.db").exists()


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


def test_default_pipeline_handles_categories_and_missing(pool_csv):
    pool = _Pool(pool_csv, "price")
    model = default_pipeline(oob_score=True).fit(pool.X_labeled, pool.y_labeled)
    predictions = model.predict(pool.X_pool)
    assert predictions.shape == (52,) and np.isfinite(predictions).all()


def test_failed_save_is_reported_and_asked_again(
    pool_csv, tmp_path, capsys, monkeypatch
):
    from skactive import LabelingSession

    typed = iter(["12", "12", "q"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(typed))
    real = LabelingSession.answer_many
    failures = []

    def full_disk_once(self, positions, values, **options):
        if not failures:
            failures.append(positions)
            raise OSError("Could not write to the session file: disk is full")
        return real(self, positions, values, **options)

    monkeypatch.setattr(LabelingSession, "answer_many", full_disk_once)
    session = tmp_path / "s.db"
    code = main(
        ["label", str(pool_csv), "--target", "price", "--session", str(session)]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "NOT SAVED: Could not write to the session file: disk is full" in out
    assert out.count("saved price = 12") == 1
    answers, _ = stored(session)
    assert list(answers.values()) == [12.0]


# ------------------------------------------------ the scenarios (#13)


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


@pytest.mark.parametrize("key", [None, "house"])
def test_row_inserted_between_export_and_import(pool_csv, tmp_path, capsys, key):
    frame = pd.read_csv(pool_csv)
    if key:
        frame.insert(0, key, [f"H{i:03d}" for i in range(len(frame))])
        frame.to_csv(pool_csv, index=False)
    extra = ["--id", key] if key else []
    session, batch_path = tmp_path / "s.db", tmp_path / "b.csv"
    assert main(label_args(pool_csv, session, "--export", str(batch_path), *extra)) == 0
    batch = fill(batch_path, [11.0, 22.0, 33.0, 44.0, 55.0])
    # An already priced row is inserted at the top of the spreadsheet.
    top = frame.iloc[[0]].assign(sqft=77.7)
    if key:
        top[key] = "H999"
    pd.concat([top, frame]).to_csv(pool_csv, index=False)
    assert main(label_args(pool_csv, session, "--import", str(batch_path), *extra)) == 0
    out = capsys.readouterr().out
    assert "Imported 5 answers" in out
    if not key:
        assert out.count("(same values)") == 5
    written = tmp_path / "labeled.csv"
    assert (
        main(label_args(pool_csv, session, "--write-labeled", str(written), *extra))
        == 0
    )
    labeled = pd.read_csv(written)
    # Every answer is on the row it was given for: the old row number + 1.
    for old_row, value in zip(batch["row"], batch["price"]):
        assert labeled.loc[old_row + 1, "price"] == value
        assert labeled.loc[old_row + 1, "sqft"] == pytest.approx(
            frame.loc[old_row, "sqft"], nan_ok=True
        )
    assert labeled["price"].notna().sum() == 9 + 5


@pytest.mark.parametrize("key", [None, "house"])
def test_import_refuses_rows_that_changed(pool_csv, tmp_path, capsys, key):
    if key:
        frame = pd.read_csv(pool_csv)
        frame.insert(0, key, [f"H{i:03d}" for i in range(len(frame))])
        frame.to_csv(pool_csv, index=False)
    extra = ["--id", key] if key else []
    session, batch_path = tmp_path / "s.db", tmp_path / "b.csv"
    assert main(label_args(pool_csv, session, "--export", str(batch_path), *extra)) == 0
    batch = fill(batch_path, [1.0, 2.0, 3.0, 4.0, 5.0])
    frame = pd.read_csv(pool_csv)
    frame.loc[batch["row"][1], "rooms"] = 99  # the row was edited since
    frame.to_csv(pool_csv, index=False)
    assert main(label_args(pool_csv, session, "--import", str(batch_path), *extra)) == 1
    err = capsys.readouterr().err
    named = f"key 'H{batch['row'][1]:03d}'" if key else f"row {batch['row'][1]}"
    assert re.search(
        rf"line 3: {named} is not the row exported \(rooms [0-9]+ in "
        r"the file, 99 in pool.csv\)",
        err,
    ), err
    assert "Nothing was stored" in err
    answers, skips = stored(session)
    assert answers == {} and skips == []


def test_resaved_numbers_reopen(pool_csv, tmp_path, capsys):
    session = tmp_path / "s.db"
    good = answers_file(pool_csv, tmp_path / "a.csv", [(20, 20, "5")])
    assert main(label_args(pool_csv, session, "--import", str(good))) == 0
    text = pool_csv.read_text()
    frame = pd.read_csv(pool_csv)
    frame["rooms"] = frame["rooms"].astype(float)  # 2 re-saved as 2.0
    frame.to_csv(pool_csv, index=False)
    assert pool_csv.read_text() != text and ",2.0," in pool_csv.read_text()
    out = tmp_path / "l.csv"
    assert main(label_args(pool_csv, session, "--write-labeled", str(out))) == 0
    assert pd.read_csv(out).loc[20, "price"] == 5.0


def test_export_never_overwrites_pool_session_or_a_file(pool_csv, tmp_path, capsys):
    session = tmp_path / "s.db"
    assert main(label_args(pool_csv, session, "--export", str(tmp_path / "b.csv"))) == 0
    capsys.readouterr()
    for target, overwrite, message in [
        (pool_csv, False, "is the pool CSV; it is never overwritten"),
        (pool_csv, True, "is the pool CSV; it is never overwritten"),
        (session, False, "is the session file; it is never overwritten"),
        (session, True, "is the session file; it is never overwritten"),
        (tmp_path / "b.csv", False, "already exists and was left untouched"),
        (Path(str(session) + ".lock"), True, "lock file"),
        (tmp_path / "." / "pool.csv", True, "is the pool CSV"),
    ]:
        before = {p: p.read_bytes() for p in (pool_csv, session)}
        extra = ["--overwrite"] if overwrite else []
        for option in ("--export", "--write-labeled"):
            code = main(label_args(pool_csv, session, option, str(target), *extra))
            err = capsys.readouterr().err
            assert code == 1 and message in err and str(target) in err, err
        assert {p: p.read_bytes() for p in (pool_csv, session)} == before
    # A symlink to the pool is the pool.
    link = tmp_path / "link.csv"
    link.symlink_to(pool_csv)
    assert (
        main(label_args(pool_csv, session, "--export", str(link), "--overwrite")) == 1
    )
    assert "is the pool CSV" in capsys.readouterr().err
    # An explicit --overwrite replaces an ordinary file.
    other = tmp_path / "old.csv"
    other.write_text("old\n")
    assert (
        main(label_args(pool_csv, session, "--export", str(other), "--overwrite")) == 0
    )
    assert "model_guess" in other.read_text()


def test_write_labeled_round_trip(pool_csv, tmp_path, capsys):
    session = tmp_path / "s.db"
    good = answers_file(
        pool_csv,
        tmp_path / "a.csv",
        [(20, 20, "5"), (31, 31, "skip"), (40, 40, "7.25")],
    )
    assert main(label_args(pool_csv, session, "--import", str(good))) == 0
    out = tmp_path / "labeled.csv"
    assert main(label_args(pool_csv, session, "--write-labeled", str(out))) == 0
    assert (
        "60 rows, 10 with a 'price' (8 from pool.csv, 2 answered)"
        in capsys.readouterr().out
    )
    original, labeled = pd.read_csv(pool_csv), pd.read_csv(out)
    assert list(labeled.columns) == list(original.columns)
    pd.testing.assert_frame_equal(
        labeled.drop(columns="price"), original.drop(columns="price")
    )
    expected = original["price"].copy()
    expected[20], expected[40] = 5.0, 7.25
    pd.testing.assert_series_equal(labeled["price"], expected)
    # The written file is a pool in its own right: 10 labels, 50 to label.
    pool = _Pool(out, "price")
    assert pool.labeled_rows.size == 10 and pool.pool_rows.size == 50
    before = out.read_bytes()
    assert main(label_args(pool_csv, session, "--write-labeled", str(out))) == 1
    assert "already exists" in capsys.readouterr().err and out.read_bytes() == before


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


def test_unteachable_values_at_the_prompt(pool_csv, tmp_path):
    args = label_args(pool_csv, "s.db", "--batch", "1")
    term = Terminal(args, tmp_path)
    row = int(term.expect(PROMPT).group(1))
    term.type("1e308")
    term.expect(r"'1e308' is too large to learn from .* NOT SAVED")
    assert int(term.expect(PROMPT).group(1)) == row
    term.type("1e39")
    term.expect(r"'1e39' is too large to learn from")
    assert int(term.expect(PROMPT).group(1)) == row
    term.type("-inf")
    term.expect(r"'-inf' is not a finite number")
    assert int(term.expect(PROMPT).group(1)) == row
    term.type("1e30")  # a number, but far outside the prices so far
    term.expect(
        r"1e\+30 is far outside the labels so far \([0-9.]+ to [0-9.]+\)\. "
        r"Store it anyway\? \[y/N\]: "
    )
    term.type("n")
    term.expect(r"not saved")
    assert int(term.expect(PROMPT).group(1)) == row
    term.type("150")
    term.expect(rf"saved price = 150 for row {row}")
    second = int(term.expect(PROMPT).group(1))
    term.type("9000")
    term.expect(r"Store it anyway\? \[y/N\]: ")
    term.type("y")
    term.expect(rf"saved price = 9000 for row {second}")
    third = int(term.expect(PROMPT).group(1))
    term.type("1500")  # a plausible typo, caught at once
    term.expect(rf"saved price = 1500 for row {third}")
    term.expect(PROMPT)
    term.type("u")
    term.expect(rf"withdrew price = 1500 for row {third}; it will be asked again")
    term.expect(PROMPT)
    term.type("q")
    assert term.close() == 0
    # The session reopens: only checked answers were stored.
    term = Terminal(args, tmp_path)
    term.expect(r"Progress: 10 labels \(8 from pool.csv, 2 answered")
    term.expect(PROMPT)
    term.type("q")
    assert term.close() == 0
    answers, _ = stored(tmp_path / "s.db")
    assert sorted(answers.values()) == [150.0, 9000.0]
