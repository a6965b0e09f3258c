"""StreamSelector: decisions on arrival under a label budget."""

import numpy as np
import pytest
from sklearn.datasets import make_friedman1
from sklearn.ensemble import RandomForestRegressor
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import SGDRegressor
from sklearn.tree import DecisionTreeRegressor

from skactive import ActiveLearningRegressor, StreamSelector


def forest_learner(X, y, strategy="uncertainty", **params):
    return ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=10, random_state=0),
        strategy=strategy,
        random_state=0,
        **params,
    ).fit(X, y)


@pytest.fixture(scope="module")
def stream():
    X, y = make_friedman1(n_samples=20000, noise=0.5, random_state=1)
    return X, y


@pytest.fixture(scope="module")
def learner(stream):
    X, y = stream
    return forest_learner(X[:100], y[:100])


@pytest.mark.parametrize("budget", [0.02, 0.1, 0.3])
def test_budget_is_kept_on_a_long_stream(learner, stream, budget):
    X, _ = stream
    selector = StreamSelector(learner, budget=budget, random_state=0)
    selected = selector.decide(X)
    assert selector.n_seen_ == X.shape[0]
    assert selector.n_selected_ == selected.sum()
    assert selector.budget_spent_ == pytest.approx(selected.mean())
    assert abs(selector.budget_spent_ - budget) <= 0.05 * budget


def test_budget_is_kept_on_a_drifting_stream_with_updates(stream):
    X, y = stream
    X = X.copy()
    # Halfway, the inputs move out of the region the learner was fit on.
    X[10000:, :3] = X[10000:, :3] * 0.5 + 0.5
    X[:10000, :3] *= 0.5
    y = 10 * np.sin(np.pi * X[:, 0] * X[:, 1]) + 20 * (X[:, 2] - 0.5) ** 2 + X[:, 3]
    learner = forest_learner(X[:100], y[:100])
    selector = StreamSelector(learner, budget=0.05, refit_every=100, random_state=0)
    spent_after_drift = []
    for start in range(0, X.shape[0], 500):
        rows = slice(start, start + 500)
        bought = selector.decide(X[rows])
        selector.update(X[rows][bought], y[rows][bought])
        if start >= 10000:
            spent_after_drift.append(bought.mean())
    assert abs(selector.budget_spent_ - 0.05) <= 0.05 * 0.05
    assert abs(np.mean(spent_after_drift) - 0.05) <= 0.1 * 0.05
    assert learner.n_labeled_ == 100 + selector.n_selected_


@pytest.mark.parametrize("rule", ["sample", "threshold"])
@pytest.mark.parametrize("strategy", ["uncertainty", "qbc", "random", "lcmd"])
def test_chunk_and_row_by_row_decisions_agree(stream, strategy, rule):
    X, y = stream
    learner = forest_learner(X[:100], y[:100], strategy=strategy)
    rows = X[100:700]
    whole = StreamSelector(learner, budget=0.1, rule=rule, random_state=3)
    one_by_one = StreamSelector(learner, budget=0.1, rule=rule, random_state=3)
    uneven = StreamSelector(learner, budget=0.1, rule=rule, random_state=3)
    at_once = whole.decide(rows)
    singly = np.concatenate([one_by_one.decide(rows[i : i + 1]) for i in range(600)])
    cuts = [0, 1, 7, 100, 101, 350, 600]
    pieces = np.concatenate(
        [uneven.decide(rows[a:b]) for a, b in zip(cuts[:-1], cuts[1:])]
    )
    np.testing.assert_array_equal(at_once, singly)
    np.testing.assert_array_equal(at_once, pieces)
    # LCMD's embedding is float32: sums over a chunk round differently.
    rel = 1e-6 if strategy == "lcmd" else 1e-12
    for other in (one_by_one, uneven):
        assert other.threshold_ == pytest.approx(whole.threshold_, rel=rel)
        assert other.scale_ == pytest.approx(whole.scale_, rel=rel)
        assert other.n_selected_ == whole.n_selected_
    assert 0 < at_once.sum() < 600


@pytest.mark.parametrize("rule", ["chunk", "sample", "threshold"])
def test_accepted_rows_are_more_informative_than_rejected(stream, rule):
    X, _ = stream
    # The target is flat where x0 < 0.5 and wiggles elsewhere: a model fit on
    # 300 rows is right in the flat half and wrong in the other.
    y = np.where(
        X[:, 0] < 0.5, 0.0, 5 * np.sin(12 * X[:, 1]) + 5 * np.sin(12 * X[:, 2])
    )
    learner = forest_learner(X[:300], y[:300])
    selector = StreamSelector(learner, budget=0.1, rule=rule, random_state=0)
    rows, targets = X[5000:15000], y[5000:15000]
    selected = selector.decide(rows)
    hard = rows[:, 0] >= 0.5
    assert selected[hard].mean() > 5 * selected[~hard].mean()
    # the random share still explores the easy half
    assert selected[~hard].sum() > 0
    _, scores = learner.query(rows, n=1, return_scores=True)
    # The sampled and chunk rules also buy some rows of lower score, on
    # purpose (the plain threshold reaches about 2.8).
    assert scores[selected].mean() > 1.8 * scores[~selected].mean()
    errors = np.abs(learner.predict(rows) - targets)
    assert errors[selected].mean() > 1.5 * errors[~selected].mean()


def test_random_strategy_is_uninformed_at_the_budget_rate(stream):
    X, y = stream
    known = np.flatnonzero(X[:, 0] < 0.5)[:300]
    learner = forest_learner(X[known], y[known], strategy="random")
    selector = StreamSelector(learner, budget=0.1, random_state=0)
    rows = X[:20000]
    selected = selector.decide(rows)
    assert abs(selector.budget_spent_ - 0.1) <= 0.005
    high = rows[:, 0] >= 0.5
    assert selected[high].mean() == pytest.approx(selected[~high].mean(), abs=0.015)


def test_same_seed_same_decisions(learner, stream):
    X, _ = stream
    a = StreamSelector(learner, budget=0.1, random_state=5).decide(X[:2000])
    b = StreamSelector(learner, budget=0.1, random_state=5).decide(X[:2000])
    np.testing.assert_array_equal(a, b)


def test_update_stores_labels_at_once_and_refits_in_batches(stream):
    X, y = stream
    learner = forest_learner(X[:50], y[:50])
    model = learner.estimator_
    selector = StreamSelector(learner, budget=0.5, refit_every=5, incremental=False)
    selector.update(X[50:53], y[50:53])
    # the labels are in the learner at once; only the refit waits
    assert learner.n_labeled_ == 53 and selector.n_pending_ == 3
    assert learner.n_awaiting_refit_ == 3 and learner.estimator_ is model
    selector.update(X[53:56], y[53:56])
    assert learner.n_labeled_ == 56 and selector.n_pending_ == 0
    assert learner.estimator_ is not model
    selector.update(X[56:58], y[56:58])
    selector.update(X[:0], y[:0])
    assert selector.n_pending_ == 2 and learner.n_labeled_ == 58
    selector.flush()
    assert learner.n_labeled_ == 58 and selector.n_pending_ == 0
    assert learner.n_awaiting_refit_ == 0
    np.testing.assert_array_equal(learner.y_labeled_[-8:], y[50:58])


def test_a_learner_saved_right_after_update_keeps_every_label(stream):
    import pickle

    X, y = stream
    learner = forest_learner(X[:50], y[:50])
    selector = StreamSelector(learner, refit_every=100, incremental=False)
    selector.update(X[50:53], y[50:53])
    saved = pickle.loads(pickle.dumps(learner))
    assert saved.n_labeled_ == 53
    np.testing.assert_array_equal(saved.y_labeled_[50:], y[50:53])
    saved.teach(X[:0], y[:0])  # refits on everything it holds
    assert saved.n_awaiting_refit_ == 0 and saved.n_labeled_ == 53


def test_an_untransformable_row_is_refused_and_later_updates_work():
    import pandas as pd
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline

    rng = np.random.RandomState(0)
    frame = pd.DataFrame(rng.uniform(size=(200, 3)), columns=["a", "b", "c"])
    target = frame.sum(axis=1).to_numpy()
    learner = ActiveLearningRegressor(
        make_pipeline(SimpleImputer(), RandomForestRegressor(n_estimators=5)),
        strategy="uncertainty",
        committee=3,
        random_state=0,
    ).fit(frame[:50], target[:50])
    selector = StreamSelector(learner, refit_every=3, incremental=False)
    selector.update(frame[50:52], target[50:52])
    bad = frame[52:53].astype(object)
    bad.iloc[0, 1] = "not a number"
    before = (learner.n_labeled_, learner.n_awaiting_refit_, selector.n_pending_)
    with pytest.raises(ValueError, match="cannot take these rows"):
        selector.update(bad, target[52:53])
    assert (
        learner.n_labeled_,
        learner.n_awaiting_refit_,
        selector.n_pending_,
    ) == before
    selector.update(frame[53:55], target[53:55])  # not poisoned: refits
    assert learner.n_labeled_ == 54 and selector.n_pending_ == 0
    selector.update(frame[55:56], target[55:56])
    assert learner.n_labeled_ == 55


def test_threshold_step_is_bounded(learner, stream):
    X, _ = stream
    with pytest.raises(ValueError, match="threshold_step"):
        StreamSelector(learner, threshold_step=1e6).decide(X[:5])


@pytest.mark.parametrize("strategy", ["random", "uncertainty"])
def test_incremental_update_uses_partial_fit(stream, strategy):
    X, y = stream
    learner = ActiveLearningRegressor(
        SGDRegressor(random_state=0), strategy=strategy, random_state=0
    ).fit(X[:50], y[:50])
    models = [m for m in [learner.estimator_, *(learner.committee_ or [])] if m]
    before = [m.coef_.copy() for m in models]
    selector = StreamSelector(learner, budget=0.5, refit_every=100, random_state=0)
    selector.update(X[50:60], y[50:60])
    assert selector.n_pending_ == 0
    assert learner.n_labeled_ == 60
    # updated copies are swapped in: new coefficients, the old objects untouched
    after = [m for m in [learner.estimator_, *(learner.committee_ or [])] if m]
    assert len(after) == len(models)
    assert any(not np.allclose(b, m.coef_) for b, m in zip(before, after))
    assert all(np.allclose(b, m.coef_) for b, m in zip(before, models))
    assert selector.decide(X[60:70]).shape == (10,)


def test_incremental_true_needs_partial_fit(learner, stream):
    X, y = stream
    selector = StreamSelector(learner, incremental=True)
    with pytest.raises(ValueError, match="partial_fit"):
        selector.update(X[:3], y[:3])
    assert learner.n_labeled_ == 100


@pytest.mark.parametrize("budget", [0, -0.1, 1.5, "half"])
def test_budget_outside_zero_one_raises(learner, stream, budget):
    X, _ = stream
    with pytest.raises(ValueError, match="budget"):
        StreamSelector(learner, budget=budget).decide(X[:5])


def test_budget_one_buys_everything(learner, stream):
    X, _ = stream
    selector = StreamSelector(learner, budget=1.0)
    assert selector.decide(X[:500]).all()
    assert selector.budget_spent_ == 1.0


def test_unfitted_learner_raises(stream):
    X, y = stream
    selector = StreamSelector(ActiveLearningRegressor())
    with pytest.raises(NotFittedError):
        selector.decide(X[:5])
    with pytest.raises(NotFittedError):
        selector.update(X[:5], y[:5])


def test_not_a_learner_raises(stream):
    X, y = stream
    model = DecisionTreeRegressor().fit(X[:50], y[:50])
    with pytest.raises((TypeError, ValueError), match="learner"):
        StreamSelector(model).decide(X[:5])


def test_wrong_shapes_raise_and_keep_the_state(stream):
    X, y = stream
    learner = forest_learner(X[:100], y[:100])
    selector = StreamSelector(learner, refit_every=100, random_state=0)
    selector.decide(X[:50])
    selector.update(X[:4], y[:4])
    state = (selector.n_seen_, selector.threshold_, selector.n_pending_)
    with pytest.raises(ValueError, match="features"):
        selector.decide(X[:5, :3])
    with pytest.raises(ValueError, match="1D|2D|2d"):
        selector.decide(X[0])
    with pytest.raises(ValueError, match="rows"):
        selector.update(X[:5], y[:4])
    with pytest.raises(ValueError, match="NaN"):
        selector.update(X[:2], [1.0, np.nan])
    assert (selector.n_seen_, selector.threshold_, selector.n_pending_) == state
    assert learner.n_labeled_ == 104


def test_failed_refit_keeps_the_labels_waiting(stream):
    X, y = stream
    learner = forest_learner(X[:50], y[:50])
    selector = StreamSelector(learner, refit_every=4, incremental=False)
    selector.update(X[50:52], y[50:52])
    assert learner.n_labeled_ == 52 and selector.n_pending_ == 2
    learner.set_params(estimator__n_estimators=-1)  # the next refit fails
    model = learner.estimator_
    with pytest.raises(ValueError):
        selector.update(X[52:54], y[52:54])
    # no label is lost: stored, waiting for a refit that works
    assert selector.n_pending_ == 4 and learner.n_labeled_ == 54
    assert learner.estimator_ is model
    learner.set_params(estimator__n_estimators=10)
    selector.flush()
    assert learner.n_labeled_ == 54 and selector.n_pending_ == 0
    assert learner.estimator_ is not model
    np.testing.assert_array_equal(learner.y_labeled_[50:], y[50:54])


@pytest.mark.parametrize("incremental", [False, True])
def test_every_label_given_is_in_the_learner_at_once(stream, incremental):
    X, y = stream
    estimator = SGDRegressor(random_state=0) if incremental else None
    learner = ActiveLearningRegressor(estimator, strategy="random", random_state=0).fit(
        X[:50], y[:50]
    )
    selector = StreamSelector(
        learner, budget=0.3, refit_every=7, incremental=incremental, random_state=0
    )
    given = [y[:50]]
    for start in range(50, 650, 40):
        rows, targets = X[start : start + 40], y[start : start + 40]
        bought = selector.decide(rows)
        selector.update(rows[bought], targets[bought])
        given.append(targets[bought])
        # only the refit may wait: the labels are there after every update
        np.testing.assert_array_equal(learner.y_labeled_, np.concatenate(given))
        assert learner.n_labeled_ == sum(len(g) for g in given)
