"""
Stream-based selection under a label budget
===========================================

Rows arrive one chunk at a time and each must be labeled or let go on
arrival. :class:`skactive.StreamSelector` treats each chunk as a small pool:
it buys the chunk's share of the budget, a small part of it at random so the
whole stream is still explored, the rest among the rows its learner's own
query picks (here the rows it is most unsure about). Rows decided one at a
time go through an adaptive threshold that keeps the fraction bought at the
budget instead.

We compare it with random selection at the same budget (the same selector on
a learner whose strategy is ``"random"``) on a stream whose target is flat in
70 % of the input space and wiggly in the rest: the selector should spend its
labels where the model is wrong.
"""

# %%
# A stream of 20,000 rows, and a held-out test set
# ------------------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.ensemble import RandomForestRegressor

from skactive import ActiveLearningRegressor, StreamSelector


def target(X):
    wiggle = 4 * np.sin(15 * X[:, 1]) + 4 * np.sin(15 * X[:, 2])
    return np.where(X[:, 0] < 0.7, 0.0, wiggle) + 2 * X[:, 3]


rng = np.random.RandomState(0)
X_stream = rng.uniform(size=(20_000, 6))
y_stream = target(X_stream) + 0.3 * rng.normal(size=20_000)
X_test = rng.uniform(size=(3_000, 6))
y_test = target(X_test)

# %%
# Run the stream twice: selector and random selection, budget 3 %
# ---------------------------------------------------------------
# Both learners start from the same 30 labeled rows. Every bought label is
# in the learner at once; the refit waits until 30 are waiting, so the
# stream is not stalled by a refit per label.


def run(strategy):
    learner = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=30, random_state=0),
        strategy=strategy,
        random_state=0,
    ).fit(X_stream[:30], y_stream[:30])
    selector = StreamSelector(learner, budget=0.03, refit_every=30, random_state=0)
    seen, rmse = [], []
    for start in range(30, 20_000, 500):
        rows = slice(start, start + 500)
        bought = selector.decide(X_stream[rows])
        selector.update(X_stream[rows][bought], y_stream[rows][bought])
        stop = min(start + 500, 20_000)
        # A checkpoint each time the stream passes a multiple of 2,000 rows.
        if stop // 2000 > start // 2000 or stop == 20_000:
            selector.flush()
            seen.append(stop)
            rmse.append(np.sqrt(np.mean((learner.predict(X_test) - y_test) ** 2)))
    return selector, np.array(seen), np.array(rmse)


selector, seen, rmse_selector = run("uncertainty")
baseline, _, rmse_random = run("random")
print(
    f"budget spent: selector {selector.budget_spent_:.4f}, "
    f"random {baseline.budget_spent_:.4f} (target 0.03)"
)
print(
    f"final test RMSE: selector {rmse_selector[-1]:.3f}, random {rmse_random[-1]:.3f}"
)

# %%
# Test RMSE against rows seen
# ---------------------------
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(seen, rmse_selector, "-o", ms=3, label="StreamSelector (uncertainty)")
ax.plot(seen, rmse_random, "--s", ms=3, label="random selection")
ax.set_xlabel("rows seen (3 % of them labeled)")
ax.set_ylabel("test RMSE")
ax.legend()
fig.tight_layout()
plt.show()
