"""A process-wide pause between requests to the same host.

arXiv's terms ask for at most one request every three seconds. The pause is
kept per host for the whole process, so two clients (or a search followed by a
PDF download) cannot together go faster than the limit.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

_registry_lock = threading.Lock()
_host_locks: dict[str, threading.Lock] = {}
_last_finished: dict[str, float] = {}


def _lock_for(host: str) -> threading.Lock:
    with _registry_lock:
        return _host_locks.setdefault(host, threading.Lock())


@contextmanager
def throttled(url: str, delay_s: float) -> Iterator[None]:
    """Run the block (one request to ``url``) at least ``delay_s`` seconds after
    the previous request to the same host finished; requests to one host are
    serialised."""
    host = urlsplit(url).netloc
    with _lock_for(host):
        last = _last_finished.get(host)
        if last is not None:
            time.sleep(max(0.0, last + delay_s - time.monotonic()))
        try:
            yield
        finally:
            _last_finished[host] = time.monotonic()
