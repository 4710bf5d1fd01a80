"""LLM claim extraction (optional; synth.llm loads the model and renders the prompt).

A claim that is not verbatim in the paper is dropped, so the LLM can rank
but never invent claims.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from synth.claims.extract import to_claim
from synth.llm.chat import ask
from synth.llm.prompt import as_data, render
from synth.records import Claim, ClaimKind, Location, ParsedPaper
from synth.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel


class LLMClaim(BaseModel):
    text: str
    kind: ClaimKind = "textual"
    confidence: float = Field(0.5, ge=0.0, le=1.0)


class LLMClaims(BaseModel):
    claims: list[LLMClaim]


def _locate(parsed: ParsedPaper, text: str) -> Location | None:
    for page in parsed.page_texts:
        start = page.text.find(text)
        if start >= 0:
            return Location(page=page.number, section="", start=start, end=start + len(text))
    return None


def llm_extract_claims(model: "BaseChatModel", parsed: ParsedPaper, question: str | None = None, top: int = 20,
                       settings: Settings | None = None) -> list[Claim]:
    """Claims the LLM picks from the paper; only those copied verbatim from the page text are kept
    (``settings`` decide which verifier, hence which kind, each claim gets)."""
    settings = settings or Settings()
    paper_text = "\n".join(page.text for page in parsed.page_texts)
    prompt = render("extract_claims.j2", paper_id=parsed.paper.paper_id, question=question, top=top,
                    paper_text=as_data(paper_text))
    claims = []
    for proposed in ask(model, prompt, LLMClaims).claims[:top]:
        location = _locate(parsed, proposed.text)
        if location is not None:
            claims.append(to_claim(proposed.text, parsed.paper.paper_id, location, proposed.confidence, settings))
    return claims
