"""Query and teach through a fitted Pipeline whose last step is a learner."""

from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ._dask import dask_query, is_dask_collection
from ._members import transform_for_final
from ._regressor import ActiveLearningRegressor


def _learner_step(pipeline):
    if not isinstance(pipeline, Pipeline):
        raise TypeError(
            f"Expected a fitted Pipeline, got {type(pipeline).__name__}; call "
            "the learner's own query/teach instead."
        )
    learner = pipeline.steps[-1][1]
    if not isinstance(learner, ActiveLearningRegressor):
        raise TypeError(
            "The last step of the Pipeline must be an ActiveLearningRegressor; "
            f"got {type(learner).__name__}."
        )
    check_is_fitted(learner)
    return learner


def query(pipeline, X_pool, n=1, *, return_scores=False):
    """Query through a fitted Pipeline whose last step is an ActiveLearningRegressor.

    The pool goes through every step but the last, then to the learner's
    :meth:`~skactive.ActiveLearningRegressor.query`.

    Parameters
    ----------
    pipeline : Pipeline
        Fitted; its last step is an :class:`ActiveLearningRegressor`.
    X_pool : array-like of shape (n_pool, n_features)
        Raw pool rows, as the Pipeline's first step takes them.
    n : int, default=1
        Number of rows to return.
    return_scores : bool, default=False
        Also return the score of every pool row.

    Returns
    -------
    positions : ndarray of shape (n,)
        Positions into ``X_pool``, most informative first.

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> import skactive
    >>> X, y = make_friedman1(n_samples=60, random_state=0)
    >>> pipe = make_pipeline(
    ...     StandardScaler(), skactive.ActiveLearningRegressor(random_state=0)
    ... ).fit(X[:20], y[:20])
    >>> positions = skactive.query(pipe, X[20:], n=3)
    >>> pipe = skactive.teach(pipe, X[20:][positions], y[20:][positions])
    >>> pipe[-1].n_labeled_
    23
    """
    learner = _learner_step(pipeline)
    if is_dask_collection(X_pool):
        transform = pipeline[:-1] if len(pipeline.steps) > 1 else None
        return dask_query(
            learner, X_pool, n, return_scores=return_scores, transform=transform
        )
    return learner.query(
        transform_for_final(pipeline, X_pool), n, return_scores=return_scores
    )


def teach(pipeline, X, y, **fit_params):
    """Teach new labeled rows through a fitted Pipeline; return the Pipeline.

    The rows go through the earlier steps as they were fitted (the
    transformers are not refitted), then to the learner's
    :meth:`~skactive.ActiveLearningRegressor.teach`.

    Parameters
    ----------
    pipeline : Pipeline
        Fitted; its last step is an :class:`ActiveLearningRegressor`.
    X : array-like of shape (n_samples, n_features)
        Raw rows.
    y : array-like of shape (n_samples,)
        Their targets.
    **fit_params : dict
        Per-row fit parameters, passed to the learner's ``teach``.

    Returns
    -------
    pipeline : Pipeline

    See Also
    --------
    query : Its example queries, then teaches through a Pipeline.
    """
    learner = _learner_step(pipeline)
    learner.teach(transform_for_final(pipeline, X), y, **fit_params)
    return pipeline
