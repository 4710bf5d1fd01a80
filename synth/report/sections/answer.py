"""Answer-summary section: cited sentences (extractive offline, written by the LLM when one is set)."""

from __future__ import annotations

from synth.llm.chat import chat_model
from synth.records import Claim, SearchHit, Verification
from synth.report.document import SummarySentence
from synth.report.summary import extractive_answer, llm_answer
from synth.settings import Settings

ANSWER_PASSAGES = 8


def answer_of(question: str, claims: list[Claim], verifications: list[Verification], hits: list[SearchHit],
              settings: Settings) -> tuple[list[SummarySentence], str]:
    """(sentences, answer_method)."""
    if settings.llm_model:
        sentences = llm_answer(question, hits[:ANSWER_PASSAGES], chat_model(settings))
        return sentences, "llm" if sentences else "none"
    sentences = extractive_answer(question, claims, verifications, hits[:ANSWER_PASSAGES])
    return sentences, "extractive" if sentences else "none"
