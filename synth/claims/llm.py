"""Optional LLM backend for extraction and text verification (LangChain chat models).

Off by default: ``settings.llm_model`` (SYNTH_LLM_MODEL, an ``init_chat_model``
spec such as ``openai:gpt-4o-mini``) turns it on, with whichever provider
package the user installed. Prompts are Jinja templates in
``settings.prompts_dir`` with a ``[system]`` and a ``[user]`` part. Paper text
goes in as data between markers that carry a random token, so text inside a
paper cannot close the data block, and the system part tells the model never
to follow instructions found there. Answers are parsed into pydantic models;
a claim or quote that is not verbatim in the paper is dropped, so the LLM can
rank and judge but never invent evidence.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from pydantic import BaseModel, Field, ValidationError

from synth.errors import ConfigError, SynthError
from synth.records import Claim, ClaimKind, Evidence, Location, ParsedPaper, Verdict
from synth.settings import Settings
from synth.verify.judgement import Judgement

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from synth.verify.text import Candidate


class LLMClaim(BaseModel):
    text: str
    kind: ClaimKind = "textual"
    confidence: float = Field(0.5, ge=0.0, le=1.0)


class LLMClaims(BaseModel):
    claims: list[LLMClaim]


class LLMVerdict(BaseModel):
    verdict: Verdict
    passage: int | None = None
    quote: str = ""
    rationale: str


def chat_model(settings: Settings) -> "BaseChatModel | None":
    """The configured chat model, or None when the offline path is used."""
    if not settings.llm_model:
        return None
    try:
        from langchain.chat_models import init_chat_model
    except ImportError as error:
        raise ConfigError("SYNTH_LLM_MODEL is set but langchain is not installed: pip install 'synth[llm]'") from error
    try:
        return init_chat_model(settings.llm_model)
    except (ImportError, ValueError) as error:
        raise ConfigError(f"cannot start LLM {settings.llm_model!r} ({error}); install its provider package "
                          f"or unset SYNTH_LLM_MODEL") from error


def as_data(text: str) -> str:
    """Text that cannot open or close a marker block of the prompt."""
    return text.replace("<<<", "‹‹‹").replace(">>>", "›››")


def render(settings: Settings, template: str, **values) -> tuple[str, str]:
    """(system, user) parts of a prompt template."""
    environment = Environment(loader=FileSystemLoader(str(settings.prompts_dir)), undefined=StrictUndefined,
                              keep_trailing_newline=True)
    rendered = environment.get_template(template).render(marker=secrets.token_hex(8), **values)
    system, _, user = rendered.partition("[user]")
    return system.replace("[system]", "", 1).strip(), user.strip()


def _ask(model: "BaseChatModel", system: str, user: str, schema: type[BaseModel]) -> BaseModel:
    from langchain_core.messages import HumanMessage, SystemMessage

    content = model.invoke([SystemMessage(content=system), HumanMessage(content=user)]).content
    text = content if isinstance(content, str) else json.dumps(content)
    match = re.search(r"\{.*\}", text, re.S)
    try:
        return schema.model_validate_json(match.group(0) if match else text)
    except (ValidationError, ValueError) as error:
        raise SynthError(f"the LLM answer is not the expected {schema.__name__} JSON ({error.__class__.__name__}); "
                         f"retry, choose another SYNTH_LLM_MODEL, or unset it for the offline path") from error


def _locate(parsed: ParsedPaper, text: str) -> Location | None:
    for page in parsed.page_texts:
        start = page.text.find(text)
        if start >= 0:
            return Location(page=page.number, section="", start=start, end=start + len(text))
    return None


def llm_extract_claims(model: "BaseChatModel", settings: Settings, parsed: ParsedPaper,
                       question: str | None = None, top: int = 20) -> list[Claim]:
    """Claims the LLM picks from the paper; only those copied verbatim from the page text are kept."""
    from synth.claims.extract import to_claim

    paper_text = "\n".join(page.text for page in parsed.page_texts)
    system, user = render(settings, "extract_claims.j2", paper_id=parsed.paper.paper_id, question=question,
                          top=top, paper_text=as_data(paper_text))
    answer = _ask(model, system, user, LLMClaims)
    claims = []
    for proposed in answer.claims[:top]:
        location = _locate(parsed, proposed.text)
        if location is not None:
            claims.append(to_claim(proposed.text, parsed.paper.paper_id, location, proposed.confidence))
    return claims


def llm_judge(model: "BaseChatModel", settings: Settings, claim: str, candidates: list["Candidate"]) -> Judgement:
    """The LLM's verdict over the given passages; its quote must lie inside the passage it names."""
    system, user = render(settings, "verify_claim.j2", claim=claim,
                          passages=[{"text": as_data(c.quote)} for c in candidates])
    answer = _ask(model, system, user, LLMVerdict)
    chosen = candidates[answer.passage - 1] if answer.passage and 0 < answer.passage <= len(candidates) else None
    if chosen is None or answer.quote not in chosen.quote:
        if answer.verdict != "insufficient_evidence":
            return Judgement("insufficient_evidence", "text", 0.5,
                             f"the LLM said {answer.verdict} but its quote is not in the passage it named")
        return Judgement("insufficient_evidence", "text", 0.5, f"LLM: {answer.rationale}")
    quote = answer.quote or chosen.quote
    evidence = Evidence(paper_id=chosen.paper_id, page=chosen.page, section=chosen.section, quote=quote)
    return Judgement(answer.verdict, "text", chosen.relevance, f"LLM: {answer.rationale}", [evidence])
