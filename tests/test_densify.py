"""densified: a dense step before a final regressor that needs dense input."""

import numpy as np
import pandas as pd
import pytest

from skactive import ActiveLearningRegressor, simulate
from skactive._densify import STEP_NAME, densified


def test_sparse_output_is_densified_for_a_final_step_that_needs_dense():
    from sklearn.compose import make_column_transformer
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.RandomState(0)
    n = 300
    X = pd.DataFrame(
        {"a": rng.normal(size=n), "c": rng.choice([f"k{i}" for i in range(60)], n)}
    )
    y = X["a"].to_numpy() + rng.normal(size=n)
    pipe = make_pipeline(
        make_column_transformer(
            (OneHotEncoder(handle_unknown="ignore"), ["c"]), (SimpleImputer(), ["a"])
        ),
        HistGradientBoostingRegressor(max_iter=10),
    )
    with pytest.raises(TypeError, match="Sparse data"):
        pipe.fit(X, y)  # the problem the learner hides
    result = simulate(
        ActiveLearningRegressor(pipe, strategy="random"),
        X,
        y,
        strategies=("random",),
        budget=60,
        initial_size=10,
        batch_size=25,
        n_repeats=1,
        random_state=0,
    )
    assert result.curves["n_labels"].tolist() == [10, 35, 60]


def test_a_dense_step_goes_before_a_final_step_that_rejects_sparse():
    from scipy import sparse
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    pipe = densified(make_pipeline(OneHotEncoder(), HistGradientBoostingRegressor()))
    names = [name for name, _ in pipe.steps]
    assert names[-2] == STEP_NAME
    dense = pipe.steps[-2][1].fit_transform(sparse.csr_matrix(np.eye(3)))
    assert isinstance(dense, np.ndarray)
    np.testing.assert_array_equal(dense, np.eye(3))
    # Once is enough, and a final step that takes sparse input, or a bare
    # model, is left as it is.
    assert [name for name, _ in densified(pipe).steps] == names
    ridge = make_pipeline(OneHotEncoder(), Ridge())
    assert len(densified(ridge).steps) == 2
    model = Ridge()
    assert densified(model) is model
