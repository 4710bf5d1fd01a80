"""Premises section: what the question takes for granted, and whether the sources back it."""

from __future__ import annotations

from synth.errors import SynthError
from synth.index.library import Library
from synth.records import PremiseCheck
from synth.report.document import Limitation
from synth.settings import Settings


def premises(question: str, library: Library, settings: Settings) -> tuple[list[PremiseCheck], list[Limitation]]:
    from synth.claims.premises import check_premises

    try:
        return check_premises(question, library, settings), []
    except SynthError as error:
        return [], [Limitation(what="Premise check", why=str(error))]
