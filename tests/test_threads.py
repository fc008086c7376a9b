"""The shared thread helper: results in order, every call run, no exception swallowed."""

import sys
import threading
from functools import partial

import pytest

from threads import in_threads, tight_switching


class _CallFailedError(Exception):
    """Raised by a call on purpose."""


def test_results_come_back_in_the_order_of_the_calls() -> None:
    """in_threads returns call i's result at index i, for more calls than threads."""
    calls = [partial(pow, i, 2) for i in range(50)]
    assert in_threads(calls, threads=8) == [i * i for i in range(50)]


def test_the_threads_overlap() -> None:
    """All threads are running at once: a barrier of as many parties as threads is passed."""
    meet = threading.Barrier(8, timeout=30)
    arrivals = in_threads([meet.wait] * 8)  # a serial run would break the barrier
    assert sorted(arrivals) == list(range(8))


def test_the_first_failing_call_is_re_raised_after_every_call_ran() -> None:
    """An exception is never swallowed: the first failing call's is raised once all calls ran."""
    ran: list[int] = []

    def call(i: int) -> int:
        ran.append(i)
        if i in (5, 9):
            raise _CallFailedError(i)
        return i

    with pytest.raises(_CallFailedError) as info:
        in_threads([partial(call, i) for i in range(20)], threads=4)
    assert info.value.args == (5,)
    assert sorted(ran) == list(range(20))


def test_tight_switching_restores_the_interval_even_after_an_error() -> None:
    """The switch interval is tiny inside tight_switching and the old one after it."""
    before = sys.getswitchinterval()
    inside: list[float] = []

    def fail() -> None:
        with tight_switching():
            inside.append(sys.getswitchinterval())
            raise _CallFailedError

    with pytest.raises(_CallFailedError):
        fail()
    assert inside == [pytest.approx(1e-6)]
    assert sys.getswitchinterval() == before
