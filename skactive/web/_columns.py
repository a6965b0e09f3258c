"""Which columns to show first: the model's feature importances, traced
through a Pipeline and a ColumnTransformer back to the input columns."""

import numpy as np

__all__ = ["column_order"]


def _final_and_names(model):
    """The last step of a pipeline and the feature names it was fit on."""
    steps = getattr(model, "steps", None)
    if steps is None:
        return model, None
    final = steps[-1][1]
    prepare = model[:-1]
    try:
        names = [str(n) for n in prepare.get_feature_names_out()]
    except (AttributeError, ValueError, TypeError):
        names = None
    return final, names


def _input_column(name, columns):
    """The input column a transformed feature comes from (longest match)."""
    name = name.split("__", 1)[1] if "__" in name else name
    best = None
    for column in columns:
        text = str(column)
        if name == text or name.startswith(text + "_") or name.endswith("_" + text):
            if best is None or len(text) > len(str(best)):
                best = column
    return best


def column_importances(learner, columns):
    """Importance of each input column, or None when the model has none.

    Sums the ``feature_importances_`` of the learner's fitted model over the
    transformed features each input column produced.
    """
    model = getattr(learner, "estimator_", None)
    if model is None:
        return None
    final, names = _final_and_names(model)
    importances = getattr(final, "feature_importances_", None)
    if importances is None:
        return None
    importances = np.asarray(importances, dtype=float)
    columns = list(columns)
    if names is None:
        if importances.shape[0] != len(columns):
            return None
        return dict(zip(columns, importances))
    if len(names) != importances.shape[0]:
        return None
    total = dict.fromkeys(columns, 0.0)
    for name, importance in zip(names, importances):
        column = _input_column(name, columns)
        if column is not None:
            total[column] += importance
    return total


def column_order(learner, columns):
    """Input columns, most important first (original order without importances)."""
    columns = list(columns)
    try:
        importances = column_importances(learner, columns)
    except Exception:  # an unusual model: fall back to the file's order
        importances = None
    if not importances:
        return columns
    rank = {c: i for i, c in enumerate(columns)}
    return sorted(columns, key=lambda c: (-importances.get(c, 0.0), rank[c]))
