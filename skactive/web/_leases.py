"""Leases: each browser holds one row at a time, until it answers or goes away.

A lease lasts ``timeout`` seconds and is renewed by every request the tab
makes (it sends a heartbeat every few seconds). A tab that closes or sleeps
stops renewing; its row goes back to the pool when the lease runs out.
"""

import time

__all__ = ["Leases"]


class Leases:
    """Which client holds which pool position.

    Parameters
    ----------
    timeout : float, default=30
        Seconds a lease lasts without renewal.
    clock : callable, default=time.monotonic
    """

    def __init__(self, timeout=30.0, clock=time.monotonic):
        self.timeout = float(timeout)
        self.clock = clock
        self._held = {}  # client -> (position, expires)

    def _expire(self):
        now = self.clock()
        for client in [c for c, (_, t) in self._held.items() if t <= now]:
            del self._held[client]

    def held_by(self, client):
        """The position ``client`` holds, or None."""
        self._expire()
        held = self._held.get(client)
        return None if held is None else held[0]

    def holder(self, position):
        """The client holding ``position``, or None."""
        self._expire()
        for client, (held, _) in self._held.items():
            if held == position:
                return client
        return None

    def taken(self, except_client=None):
        """Positions held by clients other than ``except_client``."""
        self._expire()
        return {p for c, (p, _) in self._held.items() if c != except_client}

    def grant(self, client, position):
        """Give ``position`` to ``client`` (replacing what it held).

        Raises
        ------
        ValueError
            If another client holds ``position``.
        """
        other = self.holder(position)
        if other is not None and other != client:
            raise ValueError(f"Position {position} is leased to another client.")
        self._held[client] = (int(position), self.clock() + self.timeout)

    def renew(self, client):
        """Extend the lease of ``client``; False when it holds none."""
        position = self.held_by(client)
        if position is None:
            return False
        self._held[client] = (position, self.clock() + self.timeout)
        return True

    def release(self, client):
        """Give back the row ``client`` holds, if any."""
        self._held.pop(client, None)

    def __len__(self):
        self._expire()
        return len(self._held)
