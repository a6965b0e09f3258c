"""``skactive label`` with files: export a batch to fill in elsewhere, import
it back (checked row by row, all or nothing), write the labeled pool."""

import math
import os

import numpy as np
import pandas as pd

from .._files import write_new_file
from .._row_identity import key_token, normalize_column, row_identities, same_cell
from .._store import is_teachable_value
from ..session import ImplausibleAnswerError
from ._label_pool import _guess, _progress
from ._label_prompt import SKIP_WORDS


def _export(session, pool, path, batch, args, protected):
    positions = session.propose(batch)
    if positions.size == 0:
        print("Every row is answered or skipped: nothing to export.")
        return 0
    mean, std = _guess(session, pool, positions)
    table = pool.X_pool.iloc[positions].copy()
    if pool.key is not None:
        table.insert(0, pool.key, pool.keys[positions])
    table.insert(0, pool.id_column, pool.pool_rows[positions])
    table[pool.target] = np.nan
    table["model_guess"] = np.round(mean, 4)
    table["model_spread"] = np.round(std, 4)
    write_new_file(
        path, table.to_csv(index=False), overwrite=args.overwrite, protected=protected
    )
    print(
        f"Wrote {positions.size} rows to {path}. Fill in the {pool.target!r} column "
        f"(a number, or 'skip' for a row you cannot label), then run with --import {path}."
    )
    return 0


def _write_labeled(session, pool, path, args, protected):
    """The pool CSV with every stored answer in the target column."""
    out = pool.frame.copy()
    answers = session.answers_
    rows = pool.pool_rows[answers.index.to_numpy(dtype=np.intp)]
    column = out.columns.get_loc(pool.target)
    out.iloc[rows, column] = answers.to_numpy()
    write_new_file(
        path, out.to_csv(index=False), overwrite=args.overwrite, protected=protected
    )
    print(
        f"Wrote {path}: {len(out)} rows, {pool.labeled_rows.size + len(answers)} with "
        f"a {pool.target!r} ({pool.labeled_rows.size} from "
        f"{os.path.basename(pool.path)}, {len(answers)} answered)."
    )
    return 0


def _import(session, pool, path, args):
    """Validate a whole answers file first; store it all, or nothing."""
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        typed = pd.read_csv(path)  # feature values read as the pool's are
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ValueError(
            f"Cannot read {path!r} as a CSV: {exc}; nothing was stored."
        ) from exc
    columns = list(pool.features.columns)
    locator = pool.key if pool.key is not None else pool.id_column
    missing = [c for c in [locator, pool.target, *columns] if c not in table.columns]
    if missing:
        raise ValueError(
            f"{path!r} has no column(s) {missing}; it must have the columns "
            f"written by --export ({locator!r}, the features and {pool.target!r}), "
            "so that every answer can be checked against its row. Nothing was "
            "stored."
        )
    checker = _RowChecker(pool, typed[columns])
    problems, positions, values, skipped, seen, moved = [], [], [], [], {}, []
    for i, (locate_text, answer) in enumerate(zip(table[locator], table[pool.target])):
        line = i + 2
        answer = answer.strip()
        position, problem = checker.locate(i, locate_text.strip())
        if problem:
            problems.append(f"line {line}: {problem}")
            continue
        if position in seen:
            problems.append(
                f"line {line}: row {pool.row_of(position)} appears twice (also line "
                f"{seen[position]})"
            )
            continue
        seen[position] = line
        if pool.key is None and str(pool.row_of(position)) != locate_text.strip():
            moved.append((line, locate_text.strip(), pool.row_of(position)))
        row = pool.row_of(position)
        if answer == "":
            problems.append(f"line {line}: row {row} has no answer")
        elif answer.lower() in SKIP_WORDS:
            skipped.append(position)
        else:
            try:
                value = float(answer)
            except ValueError:
                problems.append(f"line {line}: row {row}: {answer!r} is not a number")
                continue
            if not math.isfinite(value):
                problems.append(f"line {line}: row {row}: {answer!r} is not finite")
                continue
            if not is_teachable_value(value):
                problems.append(
                    f"line {line}: row {row}: {answer!r} is too large to learn from"
                )
                continue
            positions.append(position)
            values.append(value)
    if problems:
        shown = "; ".join(problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise ValueError(
            f"{path!r} has {len(problems)} problem(s): {shown}{more}. Nothing was "
            "stored; fix the file (a number, or 'skip', for every row; rows as "
            "exported) and import it again, or export a new batch."
        )
    if not positions and not skipped:
        raise ValueError(f"{path!r} has no answer rows; nothing was stored.")
    try:
        session.import_answers(
            positions, values, skipped, annotator=args.annotator, confirm=args.confirm
        )
    except ImplausibleAnswerError as exc:
        raise ValueError(
            f"{path!r}: {exc} Nothing was stored. (From the command line: add "
            "--confirm to store it.)"
        ) from exc
    for line, was, now in moved:
        print(f"Line {line}: row {was} is now row {now} of {pool.path} (same values).")
    print(f"Imported {len(positions)} answers and {len(skipped)} skips from {path}.")
    _progress(session, pool)
    return 0


class _RowChecker:
    """Finds the pool row each line of an answers file is about, by its values.

    A line names its row (by number, or by key with --id); its feature
    values must be those of that row. Without a key, a line whose row number
    now points elsewhere (rows were added or removed above it) is matched to
    the one row to label with exactly its values, or refused.
    """

    def __init__(self, pool, features):
        self.pool = pool
        names = list(pool.features.columns)
        self.pool_cells = [normalize_column(pool.X_pool[c]) for c in names]
        self.file_cells = [normalize_column(features[c]) for c in names]
        self.names = names
        self._by_key = None
        if pool.keys is not None:
            tokens = row_identities(pool.X_pool, keys=pool.keys)
            self._by_key = {t: p for p, t in enumerate(tokens)}
        self._by_values = None
        self._file_digests = None
        self._features = features

    def _differences(self, i, position):
        out = []
        cells = zip(self.names, self.pool_cells, self.file_cells)
        for name, (pool_numbers, pool_texts), (file_numbers, file_texts) in cells:
            a = (pool_numbers[position], pool_texts[position])
            b = (file_numbers[i], file_texts[i])
            if not same_cell(a, b):
                out.append(
                    f"{name} {_cell_text(b)} in the file, {_cell_text(a)} in "
                    f"{os.path.basename(self.pool.path)}"
                )
        return out

    def _relocate(self, i):
        if self._by_values is None:
            digests = [d.rsplit(":", 1)[0] for d in row_identities(self.pool.X_pool)]
            self._by_values = {}
            for position, d in enumerate(digests):
                self._by_values.setdefault(d, []).append(position)
            self._file_digests = [
                d.rsplit(":", 1)[0]
                for d in row_identities(self._features.reset_index(drop=True))
            ]
        return self._by_values.get(self._file_digests[i], [])

    def locate(self, i, text):
        """(position, None) for line ``i``, or (None, what is wrong)."""
        pool = self.pool
        if self._by_key is not None:
            token = key_token(text)
            position = self._by_key.get(None if token is None else "key:" + token)
            if position is None:
                return None, f"key {text!r} is not a row to label in {pool.path}"
            differences = self._differences(i, position)
            if differences:
                return None, (
                    f"key {text!r} is not the row exported ("
                    + "; ".join(differences[:3])
                    + ")"
                )
            return position, None
        try:
            row = int(text)
        except ValueError:
            return None, f"row {text!r} is not a row number"
        position = pool.position_of(row)
        if position is not None:
            differences = self._differences(i, position)
            if not differences:
                return position, None
            where = (
                f"row {row} is not the row exported ("
                + "; ".join(differences[:3])
                + ")"
            )
        elif row in set(pool.labeled_rows.tolist()):
            where = f"unknown row {row} (already has a target in the pool CSV)"
        else:
            where = f"unknown row {row} (is not a row of the pool CSV)"
        matches = self._relocate(i)
        if len(matches) == 1:
            return matches[0], None
        if len(matches) > 1:
            return None, (
                f"{where}; {len(matches)} rows to label have this line's values, "
                "so it cannot be placed"
            )
        return None, f"{where}; no row to label has this line's values"


def _cell_text(cell):
    number, text = cell
    if text is not None:
        return repr(text)
    return "(missing)" if np.isnan(number) else f"{number:g}"
