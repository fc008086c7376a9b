"""
Run calls from many threads at once, for the thread-safety tests.

Test helper: `in_threads` runs zero-argument calls on a pool of threads
that start together, with the interpreter switching threads as often as
it can (`tight_switching`), so that cache fills and reads really
interleave. The tests compare what it returns with the serial results.
"""

import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")


@contextmanager
def tight_switching() -> Iterator[None]:
    """Make the interpreter switch threads as often as it can, then restore it."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def in_threads(calls: Sequence[Callable[[], T]], *, threads: int = 8) -> list[T]:
    """
    Run every call on *threads* threads that start together; return the results.

    Thread *k* runs calls *k*, *k* + *threads*, ... after all threads have
    met at a barrier, under `tight_switching`. Every call runs, even after
    another has raised; the exception of the first call (in the order of
    *calls*) that raised is then re-raised.

    Args:
        calls: Zero-argument callables, run once each.
        threads: How many threads run them.

    Returns:
        The results, in the order of *calls*.
    """
    assert threads >= 1
    results: dict[int, T] = {}
    errors: dict[int, BaseException] = {}
    barrier = threading.Barrier(threads)

    def run(first: int) -> None:
        barrier.wait()
        for i in range(first, len(calls), threads):
            try:
                results[i] = calls[i]()
            except BaseException as error:  # noqa: BLE001 - re-raised below
                errors[i] = error

    with tight_switching():
        pool = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
    if errors:
        raise errors[min(errors)]
    assert len(results) == len(calls)
    return [results[i] for i in range(len(calls))]
