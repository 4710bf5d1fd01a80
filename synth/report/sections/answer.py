"""Answer-summary section: cited sentences (extractive offline, written by the LLM when one is set).

When the question presupposes things the sources do not study, the answer opens by saying what
they study instead (synth.premises.scope), so it is read as an answer about that.
"""

from __future__ import annotations

from synth.llm.chat import chat_model
from synth.premises.scope import rescoping, rescoping_evidence
from synth.records import Claim, PremiseCheck, SearchHit, Verification
from synth.report.document import Citation, SummarySentence
from synth.report.summary import extractive_answer, llm_answer
from synth.settings import Settings

ANSWER_PASSAGES = 8


def rescoped(premises: list[PremiseCheck]) -> list[SummarySentence]:
    """The sentence saying what the sources study instead of the unsupported premises, cited where they do."""
    text = rescoping(premises)
    citations = [Citation(paper_id=e.paper_id, page=e.page) for e in rescoping_evidence(premises)]
    return [SummarySentence(text=text, citations=citations)] if text and citations else []


def answer_of(question: str, claims: list[Claim], verifications: list[Verification], hits: list[SearchHit],
              settings: Settings, premises: list[PremiseCheck] | None = None) -> tuple[list[SummarySentence], str]:
    """(sentences, answer_method); an answer opens with the re-scoping sentence when ``premises`` has one
    (no answer stays no answer: the premise section says what the sources study)."""
    if settings.llm_model:
        sentences, method = llm_answer(question, hits[:ANSWER_PASSAGES], chat_model(settings)), "llm"
    else:
        sentences, method = extractive_answer(question, claims, verifications, hits[:ANSWER_PASSAGES]), "extractive"
    if not sentences:
        return [], "none"
    return rescoped(premises or []) + sentences, method
