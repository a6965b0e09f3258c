"""Salted random states (``skactive/_seeding.py``)."""

import numpy as np

from skactive import ActiveLearningRegressor
from skactive._seeding import learner_rng


def test_same_seed_and_salt_replay_the_same_draws():
    learner = ActiveLearningRegressor(random_state=3)
    a = learner_rng(learner, 7).random_sample(5)
    b = learner_rng(learner, 7).random_sample(5)
    np.testing.assert_array_equal(a, b)


def test_salts_give_different_streams():
    learner = ActiveLearningRegressor(random_state=3)
    a = learner_rng(learner, 1).random_sample(5)
    b = learner_rng(learner, 2).random_sample(5)
    assert not np.array_equal(a, b)


def test_a_random_state_instance_is_used_as_it_is():
    rng = np.random.RandomState(0)
    learner = ActiveLearningRegressor(random_state=rng)
    assert learner_rng(learner, 1) is rng
    assert learner_rng(learner, 2) is rng


def test_large_and_negative_salts_are_folded_into_the_seed_range():
    learner = ActiveLearningRegressor(random_state=2**40)
    draws = learner_rng(learner, -5).random_sample(3)
    assert draws.shape == (3,)
