"""
Greedy sampling and diverse batches against random sampling
===========================================================

Batches of 10 labels at a time on Friedman #1 with a random forest. We
compare, on a test set that is never in the pool:

- ``random``: the baseline;
- ``gsx`` and ``igs``: greedy sampling (Wu, Lin & Huang, 2019), farthest
  from the labeled set in input space, or in input and output space at once;
- ``uncertainty`` with the plain top-``n`` batch rule, and with
  ``batch_selection="diverse"`` (rows drawn with probability proportional
  to score times squared distance to the labeled rows and the batch so
  far; uncertainty's default).

Everything is measured by :func:`skactive.simulate` under the same seeds and
the same initial labels; the summary gives each strategy's RMSE ratio to
random (below 1 is better).
"""

# %%
# The data and the learner
# ------------------------
import matplotlib.pyplot as plt
from sklearn.datasets import make_friedman1
from sklearn.ensemble import RandomForestRegressor

from skactive import ActiveLearningCurveDisplay, ActiveLearningRegressor, simulate

X, y = make_friedman1(n_samples=1000, noise=1.0, random_state=0)
learner = ActiveLearningRegressor(RandomForestRegressor(n_estimators=20, n_jobs=1))

# %%
# Run the simulation
# ------------------
strategies = {
    "random": {"strategy": "random"},
    "gsx": {"strategy": "gsx"},
    "igs": {"strategy": "igs"},
    "uncertainty (top)": {"strategy": "uncertainty", "batch_selection": "top"},
    "uncertainty (diverse)": {"strategy": "uncertainty", "batch_selection": "diverse"},
}
result = simulate(
    learner,
    X,
    y,
    strategies=strategies,
    budget=100,
    initial_size=20,
    batch_size=10,
    n_repeats=3,
    random_state=0,
)
print(result.summary().round(3).to_string())  # every column, the verdict too

# %%
# Learning curves
# ---------------
fig, ax = plt.subplots(figsize=(6.5, 4))
display = ActiveLearningCurveDisplay.from_simulation(
    result, ax=ax, title="Friedman #1, random forest, batches of 10"
)
ax.set_ylabel("Test RMSE (mean and std of 3 repeats)")
fig.tight_layout()
plt.show()
