"""``skactive label`` at the prompt: one row at a time, answer, skip, undo."""

import math
import os

import numpy as np
import pandas as pd

from .._store import is_teachable_value
from ..session import ImplausibleAnswerError
from ._label_pool import _guess, _progress

SKIP_WORDS = {"s", "skip"}


def _format_value(value):
    if isinstance(value, float) and math.isnan(value):
        return "(missing)"
    if pd.isna(value):
        return "(missing)"
    return str(value)


def _interactive(session, pool, show, batch, annotator=None):
    name = os.path.basename(pool.path)
    _progress(session, pool)
    width = max(len(str(c)) for c in show)
    done = []  # (position, row) answered or skipped in this sitting, for undo
    while True:
        positions = session.propose(batch)
        if positions.size == 0:
            print("Every row is answered or skipped: nothing left to label.")
            return 0
        for k, position in enumerate(positions, start=1):
            row = pool.row_of(position)
            print()
            print(
                f"Row {row} of {name} (line {row + 2}), {k} of {len(positions)} in this batch:"
            )
            values = pool.X_pool.iloc[position]
            for column in show:
                print(f"  {str(column):<{width}} : {_format_value(values[column])}")
            mean, std = _guess(session, pool, [position])
            if np.isfinite(mean[0]):
                print(f"  model's guess: {mean[0]:.4g} +/- {std[0]:.3g}")
            else:
                print("  model's guess: none yet (no labels)")
            while True:
                try:
                    text = input(
                        f"{pool.target} for row {row} "
                        "[a number, s = skip, u = undo, q = quit]: "
                    ).strip()
                except (EOFError, KeyboardInterrupt):  # Ctrl-D or Ctrl-C: quit
                    text = "q"
                    print()
                if text.lower() in {"q", "quit"}:
                    print("Saved. Run the same command again to resume.")
                    _progress(session, pool)
                    return 0
                if text.lower() in {"u", "undo"}:
                    _undo(session, pool, done)
                    continue
                if text.lower() in SKIP_WORDS:
                    if _stored(
                        lambda: session.skip(int(position), annotator=annotator)  # noqa: B023 (called at once)
                    ):
                        print(f"  skipped row {row}; it will not be asked again.")
                        done.append((int(position), row))
                        break
                    continue
                try:
                    value = float(text)
                except ValueError:
                    print(
                        f"  {text!r} is not a number; type a number, s to skip or q to quit."
                    )
                    continue
                if not math.isfinite(value):
                    print(f"  {text!r} is not a finite number; type a number, s or q.")
                    continue
                if not is_teachable_value(value):
                    print(
                        f"  {text!r} is too large to learn from (beyond +/-3.4e+38); "
                        "NOT SAVED. Type the value again, s or q."
                    )
                    continue
                if _answered(session, int(position), value, annotator):
                    print(f"  saved {pool.target} = {value:g} for row {row}.")
                    done.append((int(position), row))
                    break
        print()
        _progress(session, pool)
        reason = session.check_stopping()
        if reason:
            print(f"Stopping: {reason}. Every answer is saved.")
            return 0


def _undo(session, pool, done):
    """Withdraw the last answer or skip of this sitting."""
    if not done:
        print(
            "  nothing to undo in this sitting (--forget ROW withdraws older answers)."
        )
        return
    position, row = done[-1]
    before = session.answers_.get(position)
    if _stored(lambda: session.forget(position)):
        done.pop()
        what = "the skip" if before is None else f"{pool.target} = {before:g}"
        print(f"  withdrew {what} for row {row}; it will be asked again later.")


def _answered(session, position, value, annotator):
    """Store one typed answer; an implausible one only once confirmed."""
    try:
        session.answer(position, value, annotator=annotator)
        return True
    except ImplausibleAnswerError:
        pass
    except ValueError as exc:
        print(f"  NOT SAVED: {exc}")
        return False
    except OSError as exc:
        print(f"  NOT SAVED: {exc}")
        return False
    low, high = _label_range(session)
    try:
        reply = (
            input(
                f"  {value:g} is far outside the labels so far ({low:g} to {high:g}). "
                "Store it anyway? [y/N]: "
            )
            .strip()
            .lower()
        )
    except (EOFError, KeyboardInterrupt):
        reply = ""
        print()
    if reply not in {"y", "yes"}:
        print("  not saved; type the value again, s or q.")
        return False
    return _stored(
        lambda: session.answer(position, value, annotator=annotator, confirm=True)
    )


def _label_range(session):
    learner = session.learner
    y = getattr(learner, "y_labeled_", None)
    if y is None or len(y) == 0:
        return float("nan"), float("nan")
    return float(np.min(y)), float(np.max(y))


def _stored(write):
    """Run a session write; on a storage error say so and let the person retry."""
    try:
        write()
    except (OSError, ValueError) as exc:
        print(f"  NOT SAVED: {exc}")
        return False
    return True
