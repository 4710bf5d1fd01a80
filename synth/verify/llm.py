"""The LLM text judge (optional): the chat model's verdict over the best passages.

Its quote must lie inside the passage it names, so the LLM can judge but never
invent evidence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from synth.llm.chat import ask
from synth.llm.prompt import as_data, render
from synth.records import Evidence, Verdict
from synth.verify.candidates import Candidate
from synth.verify.judgement import INSUFFICIENT, Judgement

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

class LLMVerdict(BaseModel):
    verdict: Verdict
    passage: int | None = None
    quote: str = ""
    rationale: str


def llm_judge(model: "BaseChatModel", claim: str, candidates: list[Candidate], unchecked_strength: float) -> Judgement:
    """The LLM's verdict over ``candidates`` (best first); an answer whose quote cannot be
    checked is insufficient evidence with ``unchecked_strength`` (StrengthPolicy.llm_unchecked)."""
    prompt = render("verify_claim.j2", claim=claim, passages=[{"text": as_data(c.quote)} for c in candidates])
    answer = ask(model, prompt, LLMVerdict)
    chosen = candidates[answer.passage - 1] if answer.passage and 0 < answer.passage <= len(candidates) else None
    if chosen is None or answer.quote not in chosen.quote:
        if answer.verdict != INSUFFICIENT:
            return Judgement.unverifiable("text", unchecked_strength,
                                          f"the LLM said {answer.verdict} but its quote is not in the passage it named")
        return Judgement.unverifiable("text", unchecked_strength, f"LLM: {answer.rationale}")
    quote = answer.quote or chosen.quote
    evidence = Evidence(paper_id=chosen.paper_id, page=chosen.page, section=chosen.section, quote=quote)
    return Judgement(answer.verdict, "text", chosen.relevance, f"LLM: {answer.rationale}", [evidence])
