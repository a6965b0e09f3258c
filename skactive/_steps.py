"""The last step of a Pipeline, and the input it sees.

A leaf module (no skactive imports), so that both the member helpers
(``_members``) and the boosting committees (``_boosting``), which
``_members`` imports, can use it.
"""

from sklearn.pipeline import Pipeline


def final_step(estimator):
    """The regressor at the end of a Pipeline, or the estimator itself."""
    return estimator[-1] if isinstance(estimator, Pipeline) else estimator


def transform_for_final(estimator, X):
    """Pass ``X`` through every step of a Pipeline but the last."""
    if isinstance(estimator, Pipeline) and len(estimator.steps) > 1:
        return estimator[:-1].transform(X)
    return X
