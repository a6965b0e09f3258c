"""Tests of skactive/cli/_label_prompt.py: labeling at the prompt."""

import os

from label_helpers import (
    PROMPT,
    Terminal,
    label_args,
    stored,
)

from skactive.cli import main
from skactive.cli.label import _Pool


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
