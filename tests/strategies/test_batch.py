"""TopSelection: the n best scores, best first."""

import numpy as np

from skactive.strategies import TopSelection


def test_best_first_ties_to_the_lowest_position():
    scores = np.array([0.5, 2.0, 0.5, 3.0, 2.0])
    np.testing.assert_array_equal(TopSelection().select(scores, 3), [3, 1, 4])


def test_whole_pool_when_n_reaches_it():
    scores = np.array([1.0, 3.0, 2.0])
    np.testing.assert_array_equal(TopSelection().select(scores, 3), [1, 2, 0])
