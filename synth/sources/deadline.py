"""A total time limit for one HTTP request, whatever phase it is in.

httpx and requests apply their timeout to each socket read, so a server that
sends one byte every few seconds never trips it. The limit here is an interval
timer: when it fires, the SIGALRM handler raises ``DeadlineExceeded`` inside the
blocked read (PEP 475 lets a handler's exception through), and the request is
abandoned. Signals reach only the main thread, so elsewhere (a worker thread)
only the per-read timeout applies.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class DeadlineExceeded(Exception):
    """The request ran past its total time limit (deliberately not an OSError,
    which the HTTP libraries would catch and re-wrap)."""


def _raise_deadline(signum: int, frame: object) -> None:
    raise DeadlineExceeded()


def _can_use_timer() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise DeadlineExceeded if the block runs longer than ``seconds``.

    An interval timer someone else already set is left alone (the block then
    runs with per-read timeouts only), so nested or foreign timers are never lost.
    """
    if not _can_use_timer() or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _raise_deadline)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
