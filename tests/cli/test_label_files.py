"""Tests of skactive/cli/_label_files.py: exporting, importing and writing labeled CSV files."""

import re
from pathlib import Path

import pandas as pd
import pytest
from label_helpers import (
    answers_file,
    fill,
    label_args,
    pool_row_position,
    stored,
)

from skactive.cli import main
from skactive.cli.label import _Pool


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
