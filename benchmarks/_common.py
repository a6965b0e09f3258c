"""What the benchmark scripts share: paths, the run cache, the error metric.

The scripts run from the repository root as ``python benchmarks/<name>.py``.
Python puts the script's folder on ``sys.path``, so ``from _common import ...``
and ``import label_efficiency`` need no path edits; ``skactive`` is the
installed package (``pip install -e ".[bench]"``).
"""

import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
# Tables and figures quoted by the docs.
RESULTS = ROOT / "docs" / "benchmarks" / "results"
# Finished runs, so that an interrupted benchmark resumes (not committed).
CACHE_DIR = ROOT / "benchmarks" / ".cache"


def read_jsonl(path, key=None):
    """The records of a JSON-lines file: a list, or ``{key(record): record}``.

    A missing file reads as no records; a later record with the same key
    replaces an earlier one.
    """
    path = Path(path)
    records = (
        [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        if path.exists()
        else []
    )
    if key is None:
        return records
    return {key(record): record for record in records}


def append_jsonl(path, records):
    """Append ``records`` (dicts) to a JSON-lines file, one line each."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        for record in records:
            fh.write(json.dumps(record) + "\n")


def rmse(y_true, y_pred):
    """Root mean squared error, as a float."""
    residual = np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)
    return float(np.sqrt(np.mean(residual**2)))
