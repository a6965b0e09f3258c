"""Leases: one row per client, given back when the client goes away."""

import pytest

from skactive.web._leases import Leases


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_lease_is_exclusive_and_expires_without_heartbeat():
    clock = Clock()
    leases = Leases(timeout=30, clock=clock)
    leases.grant("a", 5)
    assert leases.held_by("a") == 5 and leases.holder(5) == "a"
    with pytest.raises(ValueError, match="leased to another client"):
        leases.grant("b", 5)
    assert leases.taken(except_client="b") == {5}
    clock.now = 20
    assert leases.renew("a")
    clock.now = 45  # renewed at 20: still held
    assert leases.holder(5) == "a"
    clock.now = 51  # no heartbeat for 31 s: back to the pool
    assert leases.holder(5) is None and not leases.renew("a")
    leases.grant("b", 5)
    assert leases.held_by("b") == 5 and len(leases) == 1
    leases.release("b")
    assert len(leases) == 0
