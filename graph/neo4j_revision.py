"""The Neo4j store's revision, read from the server at most once per ``max_age`` seconds and shared.

Every kept answer and entity tag keys on :meth:`graph.store.GraphStore.revision`, so a server that asked
Neo4j for it on every request paid a round trip per read (about 3 ms, and a queue at 50 clients) for
answers it already held. :class:`RevisionPoll` keeps the last value read for ``max_age`` seconds:

- a write through the same store object (the API's own writes, the CLI's) calls :meth:`RevisionPoll.invalidate`
  after it commits, so the next read asks the server at once: a process always sees its own writes;
- a write by another process (a ``facekg load`` beside ``facekg serve``, another server worker) is seen
  at most ``max_age`` seconds after it commits: that is the documented staleness bound;
- concurrent readers that find the value stale share one read (single flight), whose outcome, a value or
  an error, they all get; an error is never kept, so the next read asks again;
- ``max_age`` 0 asks every time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

DEFAULT_MAX_AGE = 1.0
"""Seconds a revision read from Neo4j is trusted: another process's write is seen within this."""


class _Flight:
    """One read of the revision that concurrent callers wait for, begun at ``started`` in ``epoch``."""

    def __init__(self, epoch: int, started: float) -> None:
        self.epoch = epoch
        self.started = started
        self.done = threading.Event()
        self.value: str | None = None
        self.error: BaseException | None = None


class RevisionPoll:
    """``read()`` at most once per ``max_age`` seconds; :meth:`get` answers from the last read meanwhile."""

    def __init__(self, read: Callable[[], str], max_age: float = DEFAULT_MAX_AGE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if max_age < 0:
            raise ValueError("max_age must not be negative")
        self.max_age = max_age
        self._read = read
        self._clock = clock
        self._lock = threading.Lock()
        self._value: str | None = None
        self._read_at = 0.0
        self._epoch = 0  # bumped by invalidate(): a read begun before it is neither kept nor joined
        self._flight: _Flight | None = None
        self.reads = 0  # times the server was asked (tests and benchmarks)

    @property
    def fresh(self) -> bool:
        """Whether :meth:`get` would answer now without asking the server."""
        return self._value is not None and self._clock() - self._read_at < self.max_age

    def invalidate(self) -> None:
        """Forget the kept value: this process committed a write, so the next :meth:`get` asks the server."""
        with self._lock:
            self._value = None
            self._epoch += 1

    def get(self) -> str:
        """The revision: the kept one while fresh, else one read shared by every caller waiting for it."""
        with self._lock:
            if self.fresh:
                assert self._value is not None
                return self._value
            flight = self._flight
            leader = flight is None or flight.epoch != self._epoch  # never join a read older than a write
            if leader:
                flight = self._flight = _Flight(self._epoch, self._clock())
        assert flight is not None
        if leader:
            self._lead(flight)
        else:
            flight.done.wait()
        if flight.error is not None:
            raise flight.error
        assert flight.value is not None
        return flight.value

    def _lead(self, flight: _Flight) -> None:
        try:
            flight.value = self._read()
        except BaseException as exc:  # given to every caller of this flight; never kept
            flight.error = exc
        finally:
            with self._lock:
                if self._flight is flight:
                    self._flight = None
                self.reads += 1
                if flight.value is not None and flight.epoch == self._epoch:
                    # trusted from when the read began: a commit after that is seen within max_age of it
                    self._value, self._read_at = flight.value, flight.started
            flight.done.set()
