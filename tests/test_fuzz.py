"""Property tests of the public API, with generated inputs (hypothesis).

The property: every call either works or raises ValueError/TypeError with a
message that says something, and a call that raises leaves the learner (or
selector) exactly as it was -- compared as pickled bytes, so no fitted
attribute, model or random state may have moved.

LabelingSession operation sequences (answer, skip, forget, import, export,
write, close and reopen, with invalid values mixed in) are checked against
a model of what the file must hold; a failed call must leave the session,
its file and its learner as they were.

Bounded for CI by the "skactive" profile (about a minute on two cores); set
HYPOTHESIS_PROFILE=long for a deeper run.
"""

import os
import pickle

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from sklearn.dummy import DummyRegressor  # noqa: E402
from sklearn.ensemble import RandomForestRegressor  # noqa: E402
from sklearn.impute import SimpleImputer  # noqa: E402
from sklearn.linear_model import Ridge  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import FunctionTransformer  # noqa: E402

from skactive import ActiveLearningRegressor, StreamSelector  # noqa: E402
from skactive.stopping import (  # noqa: E402
    LabelBudget,
    PoolScoreBelow,
    StabilizingPredictions,
    TargetError,
)
from skactive.strategies._registry import BATCH_SELECTIONS, STRATEGIES  # noqa: E402

settings.register_profile(
    "skactive",
    max_examples=150,
    deadline=None,
    derandomize=True,  # the same cases every run: CI is reproducible
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("long", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "skactive"))

ALLOWED = (ValueError, TypeError)
N_FEATURES = 3


def _frozen(obj):
    return pickle.dumps(obj)


def _check_error(exc):
    assert isinstance(exc, ALLOWED), f"{type(exc).__name__}: {exc}"
    assert len(str(exc)) > 15, f"unclear message: {exc!r}"


def _call(obj, method, *args, **kwargs):
    """Call ``obj.method``; on an allowed error check ``obj`` did not change.
    Returns True if the call worked."""
    before = _frozen(obj)
    try:
        getattr(obj, method)(*args, **kwargs)
    except Exception as exc:  # the property under test
        _check_error(exc)
        assert _frozen(obj) == before, f"{method} raised {exc!r} and changed the object"
        return False
    return True


# ------------------------------------------------------------------ inputs

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
awkward = st.one_of(
    finite,
    st.sampled_from([np.nan, np.inf, -np.inf, 0.0, 1e300, -1e300, 1e-300]),
)


def _rows(draw, n, values=finite, n_features=N_FEATURES):
    return np.array(
        draw(
            st.lists(
                st.lists(values, min_size=n_features, max_size=n_features),
                min_size=n,
                max_size=n,
            )
        ),
        dtype=float,
    ).reshape(n, n_features)


def _as_kind(X, kind):
    if kind == "frame":
        return pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    if kind == "sparse":
        return sp.csr_matrix(X)
    return X


ESTIMATORS = {
    "ridge": lambda: Ridge(),
    "forest": lambda: RandomForestRegressor(n_estimators=3, random_state=0),
    "pipeline": lambda: make_pipeline(
        SimpleImputer(), RandomForestRegressor(n_estimators=3, random_state=0)
    ),
}


@st.composite
def learners(draw):
    """A fitted learner on generated data, with its pool and oracle."""
    strategy = draw(st.sampled_from(sorted(STRATEGIES)))
    rule = draw(st.sampled_from([None, *sorted(BATCH_SELECTIONS)]))
    estimator = draw(st.sampled_from(sorted(ESTIMATORS)))
    kind = draw(
        st.sampled_from(
            ["array", "frame"] + ([] if estimator == "pipeline" else ["sparse"])
        )
    )
    committee = draw(st.sampled_from([None, 3]))
    n_labeled = draw(st.integers(3, 12))
    n_pool = draw(st.integers(4, 25))
    X = _rows(draw, n_labeled + n_pool)
    y = np.array(draw(st.lists(finite, min_size=X.shape[0], max_size=X.shape[0])))
    learner = ActiveLearningRegressor(
        ESTIMATORS[estimator](),
        strategy=strategy,
        batch_selection=rule,
        committee=committee,
        random_state=0,
    )
    X = _as_kind(X, kind)
    try:
        learner.fit(X[:n_labeled], y[:n_labeled])
    except ALLOWED as exc:
        # A combination refused up front (e.g. a batch rule the strategy
        # rejects): clear, and nothing fitted.
        _check_error(exc)
        assert not hasattr(learner, "estimator_")
        hypothesis.assume(False)
    return learner, X[n_labeled:], y[n_labeled:], kind


# ----------------------------------------------------------------- learner


@given(case=learners(), data=st.data())
def test_learner_calls_work_or_raise_and_change_nothing(case, data):
    learner, X_pool, y_pool, kind = case
    n_pool = X_pool.shape[0]
    for _ in range(data.draw(st.integers(1, 4), label="calls")):
        call = data.draw(
            st.sampled_from(
                ["query", "teach", "teach_bad", "learn", "predict", "synthesize"]
            ),
            label="call",
        )
        if call == "query":
            n = data.draw(st.integers(-1, n_pool + 2), label="n")
            _call(learner, "query", X_pool, n=n)
        elif call == "predict":
            rows = _as_kind(_rows(data.draw, 2, awkward), kind)
            _call(learner, "predict", rows, return_std=data.draw(st.booleans()))
        elif call == "teach":
            k = data.draw(st.integers(0, min(3, n_pool)), label="k")
            refit = data.draw(st.booleans(), label="refit")
            X_new = X_pool[:k] if kind != "frame" else X_pool.iloc[:k]
            before = learner.n_labeled_
            if _call(learner, "teach", X_new, y_pool[:k], refit=refit):
                assert learner.n_labeled_ == before + k
        elif call == "teach_bad":
            width = data.draw(st.sampled_from([N_FEATURES, 1, N_FEATURES + 1]))
            rows = _rows(data.draw, 2, awkward, n_features=width)
            targets = data.draw(st.lists(awkward, min_size=1, max_size=3))
            weights = data.draw(st.sampled_from([None, [1.0], [1.0, 2.0], [5, 5, 5]]))
            params = {} if weights is None else {"sample_weight": weights}
            _call(
                learner,
                "teach",
                _as_kind(rows, kind) if width == N_FEATURES else rows,
                targets,
                **params,
            )
        elif call == "learn":
            n_queries = data.draw(st.integers(0, n_pool + 1), label="n_queries")
            batch = data.draw(st.integers(0, 4), label="batch_size")
            _call(
                learner, "learn", X_pool, y_pool, n_queries=n_queries, batch_size=batch
            )
        else:
            _call(learner, "synthesize", data.draw(st.integers(0, 3), label="n"))


# ---------------------------------------------------------------- stopping


@st.composite
def criteria(draw):
    kind = draw(st.sampled_from(["budget", "target", "stable", "score", "junk"]))
    if kind == "budget":
        return LabelBudget(draw(st.integers(-1, 40)))
    if kind == "target":
        n_val = draw(st.integers(0, 6))
        n_y = draw(st.sampled_from([n_val, max(n_val - 1, 0), n_val + 1]))
        width = draw(st.sampled_from([N_FEATURES, N_FEATURES - 1]))
        X_val = _rows(draw, n_val, n_features=width)
        if draw(st.booleans()) and n_val:
            X_val = X_val[0]  # 1-d
        y_val = np.array(draw(st.lists(awkward, min_size=n_y, max_size=n_y)))
        return TargetError(draw(st.floats(-1, 10)), X_val=X_val, y_val=y_val)
    if kind == "stable":
        return StabilizingPredictions(
            threshold=draw(st.floats(-1, 2)), window=draw(st.integers(0, 3))
        )
    if kind == "score":
        return PoolScoreBelow(
            draw(st.one_of(st.none(), st.floats(-1, 5))),
            fraction=draw(st.one_of(st.none(), st.floats(-0.5, 1.5))),
        )
    return "stop early"


@given(data=st.data(), stopping=st.lists(criteria(), min_size=1, max_size=2))
def test_stopping_criteria_are_checked_before_any_label_is_bought(data, stopping):
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(60, N_FEATURES))
    y = X.sum(axis=1)
    learner = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=3, random_state=0), random_state=0
    ).fit(X[:10], y[:10])
    n_queries = data.draw(st.integers(1, 30))
    worked = _call(
        learner,
        "learn",
        X[10:],
        y[10:],
        n_queries=n_queries,
        batch_size=data.draw(st.integers(1, 8)),
        stopping=stopping,
    )
    if worked:
        budgets = [c.max_labels for c in stopping if isinstance(c, LabelBudget)]
        cap = min([10 + n_queries, *[max(b, 10) for b in budgets]])
        assert learner.n_labeled_ <= cap  # budgets are exact


# ------------------------------------------------------------------ stream


@given(data=st.data())
def test_stream_selector_calls_work_or_raise_and_change_nothing(data):
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(80, N_FEATURES))
    y = X.sum(axis=1)
    learner = ActiveLearningRegressor(
        make_pipeline(
            SimpleImputer(), RandomForestRegressor(n_estimators=3, random_state=0)
        ),
        strategy="uncertainty",
        committee=3,
        random_state=0,
    ).fit(X[:10], y[:10])
    selector = StreamSelector(
        learner,
        budget=data.draw(st.sampled_from([0.1, 0.5, 1.0, 0.0, 1.5])),
        threshold_step=data.draw(st.sampled_from([0.05, 1.0, 1e6, -1.0])),
        refit_every=data.draw(st.integers(1, 5)),
        random_state=0,
    )
    start = 10
    for _ in range(data.draw(st.integers(1, 5))):
        k = data.draw(st.integers(0, 6))
        rows = X[start : start + k].astype(object)
        targets = list(y[start : start + k])
        if k and data.draw(st.booleans(), label="spoil"):
            spoil = data.draw(st.sampled_from(["text", "nan_y", "inf", "width"]))
            if spoil == "text":
                rows[0, 1] = "not a number"
            elif spoil == "nan_y":
                targets[0] = np.nan
            elif spoil == "inf":
                rows[0, 0] = np.inf
            else:
                rows = rows[:, :2]
        frame = pd.DataFrame(rows) if rows.shape[1] != N_FEATURES else rows
        if data.draw(st.booleans(), label="decide"):
            _call(selector, "decide", frame)
        # the selector and its learner, together, are unchanged by a failure
        both = _frozen((selector, learner))
        try:
            selector.update(frame, targets)
        except Exception as exc:
            _check_error(exc)
            assert _frozen((selector, learner)) == both
        start += k
    # a failure never poisons what follows: a clean update still works
    if getattr(selector, "n_seen_", None) is not None:
        selector.update(X[70:72], y[70:72])


# -------------------------------------------------------------- synthesize

COLUMN_KINDS = [
    "wide_float",
    "float_nan",
    "int",
    "big_uint",
    "bool",
    "object",
    "category",
    "all_nan",
]


@st.composite
def frames(draw):
    n = draw(st.integers(2, 15))
    kinds = draw(st.lists(st.sampled_from(COLUMN_KINDS), min_size=1, max_size=5))
    columns = {}
    for i, kind in enumerate(kinds):
        if kind == "wide_float":
            values = np.array(
                draw(
                    st.lists(
                        st.floats(-1.7e308, 1.7e308, allow_nan=False),
                        min_size=n,
                        max_size=n,
                    )
                )
            )
        elif kind == "float_nan":
            values = np.array(
                draw(
                    st.lists(st.one_of(finite, st.just(np.nan)), min_size=n, max_size=n)
                )
            )
        elif kind == "int":
            values = np.array(
                draw(st.lists(st.integers(-(2**62), 2**62), min_size=n, max_size=n)),
                dtype=np.int64,
            )
        elif kind == "big_uint":
            values = np.array(
                draw(st.lists(st.integers(0, 10**19), min_size=n, max_size=n)),
                dtype=np.uint64,
            )
        elif kind == "bool":
            values = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
        elif kind == "object":
            values = pd.Series(
                draw(
                    st.lists(
                        st.sampled_from(["a", "b", "c", None]), min_size=n, max_size=n
                    )
                ),
                dtype=object,
            )
        elif kind == "category":
            values = pd.Categorical(
                draw(st.lists(st.sampled_from(["lo", "hi"]), min_size=n, max_size=n))
            )
        else:
            values = np.full(n, np.nan)
        columns[f"{kind}{i}"] = values
    return pd.DataFrame(columns)


@given(frame=frames(), n=st.integers(0, 4), strategy=st.sampled_from(["random", "qbc"]))
def test_synthesize_on_extreme_and_mixed_frames(frame, n, strategy):
    learner = ActiveLearningRegressor(
        make_pipeline(FunctionTransformer(), DummyRegressor()),
        strategy=strategy,
        committee=3 if strategy == "qbc" else None,
        random_state=0,
    ).fit(frame, np.arange(len(frame), dtype=float))
    before = _frozen(learner)
    try:
        new = learner.synthesize(n)
    except Exception as exc:
        _check_error(exc)
        assert _frozen(learner) == before
        return
    assert new.shape == (n, frame.shape[1])
    assert new.dtypes.to_dict() == frame.dtypes.to_dict()
    for name in frame.columns:
        column = frame[name]
        if (
            pd.api.types.is_numeric_dtype(column)
            and not pd.api.types.is_bool_dtype(column)
            and column.notna().any()
            and n
        ):
            low, high = column.min(), column.max()
            assert ((new[name] >= low) & (new[name] <= high)).all(), name


# ---------------------------------------------------------------- session

SESSION_EXAMPLES = 400 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 150
N_POOL, N_OWN = 10, 5
good_values = st.floats(-50, 50, allow_nan=False, allow_infinity=False)
# Values a person could type: good (most of them), awkward, and plainly wrong.
session_values = st.one_of(
    good_values,
    good_values,
    good_values,
    st.sampled_from(
        [np.nan, np.inf, -np.inf, 1e308, -1e39, 1e37, 2.5e6, "2.5", "abc", None]
    ),
    st.sampled_from([True, [1.0], np.float32(3.5), np.int64(7)]),
)
good_positions = st.integers(0, 3)  # few rows: sequences come back to a row
session_positions = st.one_of(
    good_positions,
    good_positions,
    good_positions,
    st.integers(-2, N_POOL + 1),
    st.sampled_from([1.0, "3", None, True, np.int64(2)]),
)
session_annotators = st.sampled_from([None, "ana", None, 5])


def _valid_position(position):
    return (
        isinstance(position, (int, np.integer))
        and not isinstance(position, bool)
        and 0 <= position < N_POOL
    )


def _plain_value(value):
    """A value every session must accept (with ``confirm=True``)."""
    return (
        isinstance(value, (float, int))
        and not isinstance(value, bool)
        and np.isfinite(value)
        and abs(value) <= 1e6
    )


def _unteachable(value):
    """A value every session must refuse."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return True
    return isinstance(value, bool) or not abs(number) <= 3.4e38


class _SessionModel:
    """What the session file should hold, keyed by row (not position)."""

    def __init__(self, order):
        self.order = order  # position -> row of the base pool
        self.answers, self.skipped = {}, set()

    def row(self, position):
        return int(self.order[int(position)])

    def answer(self, position, value):
        self.answers[self.row(position)] = float(value)
        self.skipped.discard(self.row(position))

    def skip(self, position):
        self.answers.pop(self.row(position), None)
        self.skipped.add(self.row(position))

    def forget(self, position):
        self.answers.pop(self.row(position), None)
        self.skipped.discard(self.row(position))

    def check(self, session, n_own):
        position_of = {int(r): p for p, r in enumerate(self.order)}
        expected = {position_of[r]: v for r, v in self.answers.items()}
        assert session.answers_.to_dict() == expected
        assert set(session.skipped_.tolist()) == {position_of[r] for r in self.skipped}
        n_labels = n_own + len(self.answers)
        learner = session.learner
        assert getattr(learner, "n_labeled_", 0) == n_labels


def _session_state(session):
    """The session, its file (read apart) and its learner, for comparing."""
    import sqlite3

    learner = session.learner
    with sqlite3.connect(session.path) as db:
        stored = [
            db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("answers", "skips", "events")
        ]
    db.close()
    predictions = None
    if hasattr(learner, "n_labeled_"):
        predictions = learner.predict(session.X_pool[:3]).tobytes()
    return (
        session.answers_.to_dict(),
        session.annotators_.to_dict(),
        session.skipped_.tolist(),
        stored,
        id(learner),
        getattr(learner, "n_labeled_", None),
        predictions,
    )


def _session_call(session, method, *args, **kwargs):
    """Call a session method; a failure must be allowed and change nothing."""
    from skactive.session import ImplausibleAnswerError

    before = _session_state(session)
    try:
        getattr(session, method)(*args, **kwargs)
    except Exception as exc:  # the property under test
        allowed = (*ALLOWED, ImplausibleAnswerError, OSError)
        assert isinstance(exc, allowed), f"{method}: {type(exc).__name__}: {exc}"
        assert len(str(exc)) > 15, f"unclear message: {exc!r}"
        assert _session_state(session) == before, f"{method} raised {exc!r}"
        return False
    return True


@settings(
    max_examples=SESSION_EXAMPLES,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
)
@given(data=st.data())
def test_labeling_session_sequences_keep_the_file_and_learner_consistent(data):
    import tempfile

    from skactive import LabelingSession

    rng = np.random.RandomState(0)
    X = rng.uniform(size=(N_OWN + N_POOL, N_FEATURES))
    y = X @ np.array([3.0, -2.0, 1.0])
    own = data.draw(st.booleans(), label="own labels")
    n_own = N_OWN if own else 0
    keyed = data.draw(st.booleans(), label="keys")

    def learner():
        alr = ActiveLearningRegressor(
            RandomForestRegressor(n_estimators=3, random_state=0), random_state=0
        )
        return alr.fit(X[:N_OWN], y[:N_OWN]) if own else alr

    def open_session(order, given=None):
        keys = [f"k{row}" for row in order] if keyed else None
        pool = X[N_OWN:][order]
        return LabelingSession(given or learner(), pool, path, id=keys)

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "session.db")
        order = np.arange(N_POOL)
        model = _SessionModel(order)
        session = open_session(order)
        for _ in range(data.draw(st.integers(3, 15), label="steps")):
            op = data.draw(
                st.sampled_from(
                    [
                        "answer",
                        "answer",
                        "answer_many",
                        "skip",
                        "forget",
                        "import",
                        "export",
                        "write",
                        "propose",
                        "reopen",
                        "second",
                    ]
                )
            )
            if op in ("answer", "skip", "forget"):
                position = data.draw(session_positions)
                value = data.draw(session_values)
                confirm = data.draw(st.booleans())
                annotator = data.draw(session_annotators)
                if op == "answer":
                    args = (position, value)
                    kwargs = {"annotator": annotator, "confirm": confirm}
                elif op == "skip":
                    args, kwargs = (position,), {"annotator": annotator}
                else:
                    args, kwargs = (position,), {}
                worked = _session_call(session, op, *args, **kwargs)
                if not _valid_position(position) or annotator == 5 and op != "forget":
                    assert not worked, (op, position, annotator)
                elif op == "answer" and _unteachable(value):
                    assert not worked, (op, value)
                elif op == "answer" and confirm and _plain_value(value):
                    assert worked, (op, value)
                elif op == "forget":
                    stored = model.row(position) in set(model.answers) | model.skipped
                    assert worked == stored
                elif op == "skip":
                    assert worked
                if worked:
                    getattr(model, op)(position, *args[1:])
            elif op in ("answer_many", "import"):
                positions = data.draw(st.lists(session_positions, max_size=3))
                values = data.draw(
                    st.lists(
                        session_values, min_size=max(len(positions) - 1, 0), max_size=4
                    )
                )
                skipped = data.draw(st.lists(session_positions, max_size=2))
                confirm = data.draw(st.booleans())
                if op == "answer_many":
                    worked = _session_call(
                        session, "answer_many", positions, values, confirm=confirm
                    )
                    skipped = []
                else:
                    worked = _session_call(
                        session,
                        "import_answers",
                        positions,
                        values,
                        skipped,
                        confirm=confirm,
                    )
                everything = positions + skipped
                valid = all(map(_valid_position, everything)) and len(values) == len(
                    positions
                )
                if not valid or len({int(p) for p in everything}) != len(everything):
                    assert not worked
                if worked:
                    for position, value in zip(positions, values):
                        model.answer(position, value)
                    for position in skipped:
                        model.skip(position)
            elif op == "export":
                target = data.draw(st.sampled_from(["answer", "x0", "y"]))
                if _session_call(session, "labeled_frame", target):
                    frame = session.labeled_frame(target)
                    assert target != "x0"
                    filled = frame[target].dropna()
                    assert filled.to_dict() == session.answers_.to_dict()
            elif op == "write":
                out = data.draw(
                    st.sampled_from(["labeled.csv", "session.db", "session.db.lock"])
                )
                overwrite = data.draw(st.booleans())
                target = os.path.join(folder, out)
                existed = os.path.exists(target)
                worked = _session_call(
                    session, "write_labeled", target, overwrite=overwrite
                )
                assert worked == (out == "labeled.csv" and (overwrite or not existed))
                if worked:
                    written = pd.read_csv(target)
                    written = written["answer"].dropna()
                    assert written.to_dict() == session.answers_.to_dict()
            elif op == "propose":
                n = data.draw(st.sampled_from([1, 3, 0, -1, 2.0, True]))
                _session_call(session, "propose", n)
            elif op == "second":
                # a second writer is refused, and the first one goes on
                with pytest.raises(OSError, match="in use by another process"):
                    open_session(order)
            else:  # reopen, the pool maybe reordered, maybe with session.learner
                same = data.draw(st.booleans(), label="same learner")
                given = session.learner if same and own else None
                session.close()
                with pytest.raises(ValueError, match="closed"):
                    session.answer(0, 1.0)
                if data.draw(st.booleans(), label="reorder"):
                    order = order[::-1].copy()
                    model.order = order
                session = open_session(order, given)
            model.check(session, n_own)
        session.close()
        with LabelingSession(
            learner(),
            X[N_OWN:][order],
            path,
            id=([f"k{row}" for row in order] if keyed else None),
        ) as last:
            model.check(last, n_own)
