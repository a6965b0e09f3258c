"""
==========================================
A person as the oracle: a labeling session
==========================================

A :class:`~skactive.LabelingSession` proposes rows, stores every answer the
moment it is given (in an SQLite file), and can be closed and reopened
later with every answer. Here the "person" is a file of measurements, read
only at the rows the session asks about, and we stop when the model's
predictions stop changing (:class:`~skactive.StabilizingPredictions`) or at
the label budget. Then we compare the learning curve with random sampling,
on a test set that is never labeled.
"""

# %%
# The data, the person's answers, and a held-out test set
# ---------------------------------------------------------
import os
import tempfile

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import make_friedman1
from sklearn.ensemble import RandomForestRegressor
from sklearn.model_selection import train_test_split

from skactive import (
    ActiveLearningCurveDisplay,
    ActiveLearningRegressor,
    LabelBudget,
    LabelingSession,
    StabilizingPredictions,
)

X, y = make_friedman1(n_samples=800, noise=1.0, random_state=0)
X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
X_own, y_own = X_rest[:20], y_rest[:20]  # the labels we already have
X_pool = X_rest[20:]

workdir = tempfile.mkdtemp()
answers_file = os.path.join(workdir, "measurements.csv")
# What the person would answer, one row per pool position. The session never
# sees this file; ``ask`` reads it only at the positions the session proposes.
pd.DataFrame({"position": np.arange(len(X_pool)), "y": y_rest[20:]}).to_csv(
    answers_file, index=False
)
measurements = pd.read_csv(answers_file, index_col="position")["y"]
asked = []


def ask(position):
    asked.append(position)
    return float(measurements.loc[position])


def new_learner(strategy="uncertainty"):
    forest = RandomForestRegressor(n_estimators=50, random_state=0)
    return ActiveLearningRegressor(forest, strategy=strategy, random_state=0).fit(
        X_own, y_own
    )


def test_rmse(learner):
    return float(np.sqrt(np.mean((learner.predict(X_test) - y_test) ** 2)))


# %%
# Label in two sittings
# ---------------------
# The first sitting answers three batches and closes the session (as a person
# going home would). Every answer is already in ``session.db``.
path = os.path.join(workdir, "session.db")
stopping = [StabilizingPredictions(threshold=0.98, random_state=0), LabelBudget(150)]
curve = [(20, test_rmse(new_learner()))]

session = LabelingSession(new_learner(), X_pool, path, stopping=stopping)
for _ in range(3):
    for position in session.propose(10):
        session.answer(int(position), ask(position))
    curve.append((session.learner.n_labeled_, test_rmse(session.learner)))
session.close()

# %%
# The second sitting reopens the file with a learner fitted on the same own
# labels: the session refits it from those plus every stored answer, and goes
# on until a stopping criterion fires.
session = LabelingSession(new_learner(), X_pool, path, stopping=stopping)
print(
    f"resumed with {len(session.answers_)} answers; "
    f"the learner has {session.learner.n_labeled_} labels"
)
reason = None
while reason is None:
    batch = session.propose(10)
    if batch.size == 0:
        reason = "pool exhausted"
        break
    for position in batch:
        session.answer(int(position), ask(position))
    curve.append((session.learner.n_labeled_, test_rmse(session.learner)))
    reason = session.check_stopping()
print(f"stopped at {session.learner.n_labeled_} labels: {reason}")
print(f"rows read from the answers file: {len(asked)} of {len(X_pool)}")
session.close()

# %%
# Against random sampling, same start, same budget
# ------------------------------------------------
# Random sampling buys as many labels, from the same pool and the same
# initial labels; both are scored on the test set after every batch.
n_bought = curve[-1][0] - 20
random_learner = new_learner(strategy="random")
random_learner.learn(
    X_pool, y_rest[20:], n_queries=n_bought, batch_size=10, X_val=X_test, y_val=y_test
)
random_curve = [(20, test_rmse(new_learner("random")))] + [
    (record["n_labels"], record["val_rmse"]) for record in random_learner.history_
]

n_labels, session_rmse = zip(*curve)
fig, ax = plt.subplots(figsize=(6, 4))
ax.axvline(curve[3][0], color="grey", linestyle=":", label="session closed and resumed")
display = ActiveLearningCurveDisplay(
    n_labels=np.array(n_labels),
    scores={
        "labeling session (uncertainty)": [session_rmse],
        "random": [[rmse for _, rmse in random_curve]],
    },
).plot(ax=ax, title=f"Stopped at {curve[-1][0]} labels")
fig.tight_layout()
plt.show()

# %%
# The comparison is the point: on Friedman #1 with a random forest, top-k
# uncertainty sampling does not beat random sampling (the forest's spread
# chases the noisy corners of the input space). A session records the answers
# either way; whether active learning pays off on your data is what a
# simulation (:func:`skactive.simulate`) on the labels you already have can
# tell before a person spends hours answering.
