"""The answer summary: extractive by default, every sentence cited.

Offline, the answer is made of source sentences (the supported claims most
relevant to the question, else the best-matching retrieved sentences), each
cited with its paper and page. With ``settings.llm_model`` set, a LangChain
chat model writes the sentences from numbered passages and must cite them;
sentences citing nothing valid are dropped.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jinja2

from synth.records import Claim, SearchHit, Verification
from synth.report.document import Citation, SummarySentence

MAX_SENTENCES = 5
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_STOP = frozenset(
    "a an and are as at be by does do for from has have how in is it its of on or that the their this to was "
    "were what when which who why with across between than into over under via".split()
)


def question_words(question: str) -> set[str]:
    return {word for word in _WORD.findall(question.lower()) if word not in _STOP and len(word) > 2}


def from_claims(claims: list[Claim], verifications: list[Verification]) -> list[SummarySentence]:
    """Supported claims in extraction order (most relevant first), cited where they stand."""
    supported = {item.id for item in verifications if item.verdict == "supported"}
    sentences, seen = [], set()
    for claim in claims:
        if claim.id not in supported or claim.paper_id is None or claim.text in seen:
            continue
        seen.add(claim.text)
        page = claim.location.page if claim.location else None
        sentences.append(SummarySentence(text=claim.text, citations=[Citation(paper_id=claim.paper_id, page=page)]))
    return sentences[:MAX_SENTENCES]


def from_hits(question: str, hits: list[SearchHit]) -> list[SummarySentence]:
    """Fallback: from each retrieved passage, its sentence sharing most words with the question."""
    from synth.claims.segment import sentences as split_sentences

    wanted = question_words(question)
    chosen: list[SummarySentence] = []
    for hit in hits:
        candidates = [s.text for s in split_sentences(hit.text) if len(s.text.split()) >= 6]
        scored = sorted(candidates, key=lambda text: -len(wanted & set(_WORD.findall(text.lower()))))
        if scored and wanted & set(_WORD.findall(scored[0].lower())):
            chosen.append(SummarySentence(text=scored[0], citations=[Citation(paper_id=hit.paper_id, page=hit.page)]))
        if len(chosen) == MAX_SENTENCES:
            break
    return chosen


def extractive_answer(
    question: str, claims: list[Claim], verifications: list[Verification], hits: list[SearchHit]
) -> list[SummarySentence]:
    return from_claims(claims, verifications) or from_hits(question, hits)


def _parse_llm_sentences(reply: str, hits: list[SearchHit]) -> list[SummarySentence]:
    """Keep only sentences that cite passages that exist; the reply is untrusted."""
    match = re.search(r"\[.*\]", reply, re.DOTALL)
    try:
        items = json.loads(match.group()) if match else []
    except ValueError:
        return []
    sentences = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            continue
        numbers = [n for n in item.get("citations", []) if isinstance(n, int) and 1 <= n <= len(hits)]
        citations = [Citation(paper_id=hits[n - 1].paper_id, page=hits[n - 1].page) for n in dict.fromkeys(numbers)]
        if citations and item["text"].strip():
            sentences.append(SummarySentence(text=item["text"].strip(), citations=citations))
    return sentences[:MAX_SENTENCES]


def llm_answer(question: str, hits: list[SearchHit], chat_model, templates_dir: Path) -> list[SummarySentence]:
    """Ask the chat model for a cited answer; passages go in as delimited data."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir)), autoescape=False)
    prompt = environment.get_template("answer_prompt.j2").render(question=question, passages=hits)
    reply = chat_model.invoke(prompt)
    return _parse_llm_sentences(getattr(reply, "content", str(reply)), hits)


def load_chat_model(spec: str):
    """LangChain's ``init_chat_model`` for ``provider:model`` specs (optional dependency)."""
    from synth.errors import ConfigError

    try:
        from langchain.chat_models import init_chat_model
    except ImportError as error:
        raise ConfigError(f"SYNTH_LLM_MODEL={spec} needs langchain: pip install 'synth[llm]' and the provider package") from error
    try:
        return init_chat_model(spec)
    except (ImportError, ValueError) as error:
        raise ConfigError(f"SYNTH_LLM_MODEL={spec}: {error}; install the provider package or unset SYNTH_LLM_MODEL") from error
