"""
Choosing a strategy at a fixed labeling cost
============================================

With ``budget`` set, ``ActiveLearningRegressor.fit(X, y)`` runs a simulated
active-learning loop on the rows it is given: a few random labels, then
rounds of queried rows with ``y`` as the oracle, until it has bought
``budget`` labels. The fitted model is trained on exactly those labels.

So ``GridSearchCV`` can compare strategies and batch rules *at the same
labeling cost*, scoring each on the held-out folds. Here we choose on one
half of the data and then check the choice honestly on the other half:
its learning curve against random sampling, on a test set never in the pool.
"""

# %%
# Data: Friedman #1, split in two halves. The first half is used to choose,
# the second to evaluate the choice.
import matplotlib.pyplot as plt
import pandas as pd
from sklearn.datasets import make_friedman1
from sklearn.ensemble import RandomForestRegressor
from sklearn.model_selection import GridSearchCV, train_test_split

from skactive import ActiveLearningRegressor, simulate

X, y = make_friedman1(n_samples=2000, noise=1.0, random_state=0)
X_choose, X_check, y_choose, y_check = train_test_split(
    X, y, test_size=0.5, random_state=0
)

# %%
# Grid search at a budget of 100 labels: 20 random, then 4 rounds of 20.
learner = ActiveLearningRegressor(
    RandomForestRegressor(n_estimators=30),
    budget=100,
    initial_size=20,
    batch_size=20,
    random_state=0,
)
# Score strategies take a batch rule; gsx chooses its own batch and takes none.
grid = [
    {"strategy": ["random", "uncertainty"], "batch_selection": ["top", "diverse"]},
    {"strategy": ["gsx"]},
]
search = GridSearchCV(learner, grid, cv=3, scoring="neg_root_mean_squared_error")
search.fit(X_choose, y_choose)

scores = pd.DataFrame(search.cv_results_)[
    ["param_strategy", "param_batch_selection", "mean_test_score", "std_test_score"]
]
scores["rmse"] = -scores.pop("mean_test_score")
print(scores.sort_values("rmse").to_string(index=False))
print("chosen:", search.best_params_)

# %%
# Every candidate bought exactly 100 labels; the history of the refit best
# model has one record per round.
best = search.best_estimator_
print(best.n_labeled_, [record["n_labels"] for record in best.history_])

# %%
# Check the choice on the other half: the learning curve of the chosen
# settings against random sampling, same seeds and initial labels, with a
# test set that is never in the pool. The summary says how much room there
# was (the same model trained on the whole pool) and whether active learning
# is worth it here.
chosen = {key: value for key, value in search.best_params_.items()}
result = simulate(
    learner,
    X_check,
    y_check,
    strategies={"random": {"strategy": "random"}, "chosen": chosen},
    budget=100,
    initial_size=20,
    batch_size=20,
    n_repeats=3,
    random_state=0,
)
print(
    result.summary()[["rmse_ratio", "labels_to_baseline_final", "verdict"]].to_string()
)
print(result.verdict())

display = result.plot()
display.ax_.set_title(f"Chosen {chosen} against random")
plt.show()
