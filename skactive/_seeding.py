"""Salted random states: one reproducible stream per step of a learner."""

from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state


def learner_rng(learner, salt):
    """A RandomState for one step of ``learner``, reproducible from an int
    ``random_state``.

    Each step (initial draw, fit, query, synthesis) salts the seed with its
    own number, usually the count of labels so far, so that the steps draw
    independent streams and the same learner replays the same draws.

    Parameters
    ----------
    learner : estimator with a ``random_state`` parameter
    salt : int
        The step's number.

    Returns
    -------
    rng : RandomState
        Seeded by ``(random_state, salt)`` for an int ``random_state``;
        otherwise ``check_random_state(random_state)``.
    """
    random_state = learner.random_state
    if isinstance(random_state, Integral):
        return np.random.RandomState([int(random_state) % 2**32, salt % 2**32])
    return check_random_state(random_state)
