"""
Membership query synthesis with a simulator as the oracle
=========================================================

When the oracle can label *any* input (a simulator, a lab), the learner need
not pick from a pool: :meth:`ActiveLearningRegressor.synthesize` proposes new
rows inside the domain of the data it was fit on (numeric ranges, integer
columns, the categories seen) that its strategy scores highest, spread apart.
A DataFrame in gives a DataFrame out, with the same columns and dtypes.

Here a process simulator has a real-valued temperature and pressure, an
integer number of stages and a categorical catalyst. The response is nearly
flat except for catalyst ``"C"``, where it oscillates: a third of the domain
holds most of what there is to learn. We compare synthesized
designs with random designs in the same domain (a learner with strategy
``"random"`` synthesizes uniformly at random), scoring both on a held-out
test set labeled by the simulator.
"""

# %%
# The simulator and the historical inputs
# ---------------------------------------
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.ensemble import RandomForestRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from skactive import ActiveLearningCurveDisplay, ActiveLearningRegressor


def simulator(X):
    t, p = X["temperature"].to_numpy(), X["pressure"].to_numpy()
    wiggle = 3 * np.sin(t / 4) * np.cos(1.5 * p)
    smooth = 0.01 * t + 0.2 * X["stages"].to_numpy()
    return smooth + np.where(X["catalyst"] == "C", wiggle, 0.0)


def random_inputs(n, rng):
    return pd.DataFrame(
        {
            "temperature": rng.uniform(20, 80, n),
            "pressure": rng.uniform(1, 5, n),
            "stages": rng.randint(1, 7, n),
            "catalyst": pd.Categorical(rng.choice(["A", "B", "C"], n)),
        }
    )


rng = np.random.RandomState(0)
history = random_inputs(500, rng)  # inputs run before, mostly never labeled
y_history = np.full(500, np.nan)
y_history[:30] = simulator(history.iloc[:30])
X_test = random_inputs(3000, np.random.RandomState(1))
y_test = simulator(X_test)


def make_learner(strategy, seed=0):
    encode = make_column_transformer(
        (OneHotEncoder(), ["catalyst"]), remainder="passthrough"
    )
    forest = RandomForestRegressor(n_estimators=50, random_state=seed)
    model = make_pipeline(encode, forest)
    return ActiveLearningRegressor(model, strategy=strategy, random_state=seed)


# %%
# What synthesize returns
# -----------------------
# The domain comes from all 500 historical rows, labeled or not.
learner = make_learner("uncertainty").fit(history, y_history)
proposal = learner.synthesize(5)
print(proposal)
print(proposal.dtypes)

# %%
# Twelve rounds of ten synthesized rows vs random designs, three seeds
# ---------------------------------------------------------------------
curves = {"synthesis": [], "random design": []}
for seed in range(3):
    for name, strategy in (("synthesis", "uncertainty"), ("random design", "random")):
        learner = make_learner(strategy, seed).fit(history, y_history)
        labels, rmse = [], []
        for _ in range(12):
            labels.append(learner.n_labeled_)
            rmse.append(np.sqrt(np.mean((learner.predict(X_test) - y_test) ** 2)))
            X_new = learner.synthesize(10)
            learner.teach(X_new, simulator(X_new))
        labels.append(learner.n_labeled_)
        rmse.append(np.sqrt(np.mean((learner.predict(X_test) - y_test) ** 2)))
        curves[name].append(rmse)
        share_c = (learner.X_labeled_["catalyst"] == "C").mean()
        print(
            f"seed {seed}, {name}: test RMSE {rmse[-1]:.3f}, catalyst C {share_c:.2f}"
        )

# %%
# Test RMSE against labels
# ------------------------
fig, ax = plt.subplots(figsize=(6, 3.5))
scores = {name: np.array(runs) for name, runs in curves.items()}
display = ActiveLearningCurveDisplay(n_labels=np.array(labels), scores=scores)
display.plot(ax=ax)
ax.set_xlabel("Number of labels (simulator runs)")
ax.set_ylabel("Test RMSE (mean and std of 3 seeds)")
fig.tight_layout()
plt.show()

# %%
# The forest spends most of its simulator runs on catalyst ``"C"``, where the
# response varies, while a random design spends a third there. Whether that
# lowers the test error depends on how well the model's spread tracks its
# error: ``benchmarks/synthesis.py`` measures it on standard simulators,
# against random designs, over several seeds.
