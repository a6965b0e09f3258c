"""Dense input for a final regressor that rejects sparse matrices.

A ``OneHotEncoder`` inside a ``ColumnTransformer`` turns the output sparse
only once enough categories have been seen, so a pipeline ending in a
regressor that needs dense input (``HistGradientBoostingRegressor``) can work
on the first labels and break rounds later. The learner's fitted clones of
such a pipeline get one more step before the regressor, which densifies a
sparse matrix and passes anything else through.
"""

import scipy.sparse as sp
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils import get_tags

STEP_NAME = "skactive_densify"


def to_dense(X):
    """``X`` as a dense array if it is a sparse matrix, else ``X`` itself."""
    return X.toarray() if sp.issparse(X) else X


def densified(model):
    """``model`` (a fresh clone), with a densifying step before its last step
    when that step's tags reject sparse input; otherwise ``model`` unchanged."""
    if not isinstance(model, Pipeline) or len(model.steps) < 2:
        return model
    final = model.steps[-1][1]
    if final is None or final == "passthrough":
        return model
    if any(name == STEP_NAME for name, _ in model.steps):
        return model
    if get_tags(final).input_tags.sparse:
        return model
    densify = FunctionTransformer(
        to_dense, accept_sparse=True, feature_names_out="one-to-one"
    )
    steps = [*model.steps[:-1], (STEP_NAME, densify), model.steps[-1]]
    return model.set_params(steps=steps)
