"""
Expected model change against random sampling
=============================================

Expected model change (Cai, Zhang & Zhou, 2013) scores a pool row by the
size of the gradient its label would cause: the committee's mean
disagreement with the prediction, times the norm of the row as the model
sees it. For a linear model on standardized inputs that norm matters: rows
far out in input space move the fit most.

Here a ridge regression on standardized inputs (a ``Pipeline``), with a
bootstrap committee of 5 that ``fit`` builds, learns a linear target from
heavy-tailed inputs (Student t, 3 degrees of freedom, on very different
scales). :func:`skactive.simulate` compares EMCM with random sampling and
with the committee's disagreement alone (QBC), on a test set that is never
in the pool. With heavy tails the rows far out carry most information about
the slopes, and EMCM finds them; with Gaussian inputs the same run gives a
much smaller gain (RMSE ratio to random about 0.96 instead of 0.88).
"""

# %%
# Data: a linear target, heavy-tailed inputs on mixed scales
# -----------------------------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skactive import ActiveLearningCurveDisplay, ActiveLearningRegressor, simulate
from skactive.strategies import ExpectedModelChange

rng = np.random.RandomState(0)
X = rng.standard_t(3, size=(1500, 8)) * [1, 1, 1, 1, 10, 10, 100, 100]
coef = rng.normal(size=8) / X.std(axis=0)
y = X @ coef + rng.normal(scale=1.0, size=1500)

learner = ActiveLearningRegressor(make_pipeline(StandardScaler(), Ridge(alpha=1.0)))

# %%
# Run the simulation
# ------------------
strategies = {
    "random": {"strategy": "random"},
    "qbc": {"strategy": "qbc"},
    "emcm": {"strategy": ExpectedModelChange(n_members=5)},
    "emcm (diverse)": {"strategy": "emcm", "batch_selection": "diverse"},
}
result = simulate(
    learner,
    X,
    y,
    strategies=strategies,
    budget=60,
    initial_size=10,
    batch_size=5,
    n_repeats=5,
    random_state=0,
)
print(result.summary().round(3).to_string())  # every column, the verdict too

# %%
# Learning curves
# ---------------
fig, ax = plt.subplots(figsize=(6.5, 4))
display = ActiveLearningCurveDisplay.from_simulation(
    result, ax=ax, title="Linear target, ridge on standardized inputs"
)
ax.set_ylabel("Test RMSE (mean and std of 5 repeats)")
ax.set_yscale("log")
fig.tight_layout()
plt.show()
