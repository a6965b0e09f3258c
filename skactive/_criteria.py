"""Stopping criteria in a loop: start fresh clones before the first label is
bought, cut a batch to a label budget, and ask them after every round."""

from sklearn.base import clone


def start_criteria(stopping, learner=None):
    """Fresh clones of the criteria ``stopping`` names (one, a list, or None),
    validated (against the fitted ``learner`` when given) before any label is
    bought."""
    if stopping is None:
        return []
    criteria = list(stopping) if isinstance(stopping, (list, tuple)) else [stopping]
    for criterion in criteria:
        if not hasattr(criterion, "check"):
            raise TypeError(
                "stopping must be a criterion from skactive.stopping (an object "
                f"with a check method) or a list of them; got {type(criterion).__name__}."
            )
    criteria = [clone(criterion) for criterion in criteria]
    for criterion in criteria:
        if hasattr(criterion, "_validate"):
            if learner is None:
                criterion._validate()
            else:
                criterion._validate(learner)
    return criteria


def labels_left(criteria, learner):
    """The fewest labels any criterion still allows, or None for no limit."""
    limits = [
        criterion.labels_left(learner)
        for criterion in criteria
        if hasattr(criterion, "labels_left")
    ]
    limits = [limit for limit in limits if limit is not None]
    return min(limits) if limits else None


def first_reason(criteria, learner, X_pool, candidates, record):
    """The reason of the first criterion that fires, or None."""
    for criterion in criteria:
        reason = criterion.check(learner, X_pool, candidates, record)
        if reason:
            return reason
    return None
