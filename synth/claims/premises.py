"""Kept for callers of the old path: premise checks live in synth.premises."""

from synth.premises import check_premises

__all__ = ["check_premises"]
