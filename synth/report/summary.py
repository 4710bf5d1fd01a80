"""The answer summary: extractive by default, every sentence cited.

Offline, the answer is made of source sentences that share at least two of the
question's topic words: the supported claims first, then claims that only their
own paper states (no independent check decided them; the answer marks them so),
those naming the question's rarer topic words first (extraction order breaks ties),
else the best-matching retrieved sentences; each cited with its paper and page.
Refuted claims are never quoted as an answer. With ``settings.llm_model`` set, a
LangChain chat model writes the sentences from numbered passages and must cite them;
sentences citing nothing valid are dropped.
"""

from __future__ import annotations

import math
import re
from typing import Any

from pydantic import RootModel

from synth.llm.chat import LLMAnswerError, ask
from synth.llm.prompt import as_data, render
from synth.records import Claim, SearchHit, Verification
from synth.report.document import Citation, SummarySentence
from synth.text.normalise import STOP_WORDS
from synth.text.segment import sentences as split_sentences

MAX_SENTENCES = 5
MIN_QUESTION_WORD = 3
"""Shorter words ('in', 'on', 'of' and acronyms of two letters) do not identify a topic."""
MIN_ANSWER_WORDS = 6
MIN_SHARED_TOPIC_WORDS = 2
"""An answer sentence shares at least this many of the question's topic words (all of them when the
question has fewer): one shared word ("embeddings") let a sentence on another subject answer."""
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def question_words(question: str) -> set[str]:
    """The topic words of a question (also used to build arXiv queries and rank references)."""
    return {word for word in _WORD.findall(question.lower()) if word not in STOP_WORDS and len(word) >= MIN_QUESTION_WORD}


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def answers(text: str, wanted: set[str]) -> bool:
    """The sentence shares enough of the question's topic words ``wanted`` to be an answer to it."""
    return len(wanted & _words(text)) >= min(MIN_SHARED_TOPIC_WORDS, len(wanted))


def _quoted(claim: Claim, standing: str) -> SummarySentence:
    page = claim.location.page if claim.location else None
    return SummarySentence(text=claim.text, citations=[Citation(paper_id=claim.paper_id, page=page)], standing=standing)


def from_claims(question: str, claims: list[Claim], verifications: list[Verification]) -> list[SummarySentence]:
    """Claims that answer the question: supported ones, then those only their own paper states."""
    by_id = {item.id: item for item in verifications}
    wanted = question_words(question)
    standing_of = {}
    for claim in claims:
        checked = by_id.get(claim.id)
        if checked is None or claim.paper_id is None or claim.text in standing_of or not answers(claim.text, wanted):
            continue
        if checked.verdict == "supported":
            standing_of[claim.text] = (claim, "supported")
        elif checked.verdict == "insufficient_evidence" and not checked.decided_by:
            standing_of[claim.text] = (claim, "claimed_only")
    weight = topic_weights(wanted, [claim.text for claim in claims])
    ranked = sorted(standing_of.values(),  # stable: extraction (relevance) order breaks ties
                    key=lambda pair: (pair[1] != "supported", -_topic_score(pair[0].text, weight)))
    return [_quoted(claim, standing) for claim, standing in ranked[:MAX_SENTENCES]]


def topic_weights(wanted: set[str], texts: list[str]) -> dict[str, float]:
    """Each topic word weighted by its rarity among ``texts`` (inverse document frequency): a
    sentence naming the question's BM25 answers it better than one sharing "embeddings", which
    every sentence of an embeddings corpus shares."""
    words_of = [_words(text) for text in texts]
    return {word: math.log((1 + len(words_of)) / (1 + sum(word in words for words in words_of))) + 1.0
            for word in wanted}


def _topic_score(text: str, weight: dict[str, float]) -> float:
    return sum(weight[word] for word in weight.keys() & _words(text))


def from_hits(question: str, hits: list[SearchHit]) -> list[SummarySentence]:
    """Fallback: from each retrieved passage, its sentence sharing most words with the question."""
    wanted = question_words(question)
    chosen: list[SummarySentence] = []
    for hit in hits:
        candidates = [s.text for s in split_sentences(hit.text) if len(s.text.split()) >= MIN_ANSWER_WORDS]
        scored = sorted(candidates, key=lambda text: -len(wanted & _words(text)))
        if scored and answers(scored[0], wanted):
            chosen.append(SummarySentence(text=scored[0], citations=[Citation(paper_id=hit.paper_id, page=hit.page)],
                                          standing="retrieved"))
        if len(chosen) == MAX_SENTENCES:
            break
    return chosen


def extractive_answer(
    question: str, claims: list[Claim], verifications: list[Verification], hits: list[SearchHit]
) -> list[SummarySentence]:
    return from_claims(question, claims, verifications) or from_hits(question, hits)


class _Reply(RootModel[list[Any]]):
    """The answer as a JSON list of {"text", "citations": [passage numbers]}."""


def _cited_sentences(items: list[Any], hits: list[SearchHit]) -> list[SummarySentence]:
    """Keep only sentences that cite passages that exist; the reply is untrusted."""
    sentences = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            continue
        numbers = [n for n in item.get("citations", []) if isinstance(n, int) and 1 <= n <= len(hits)]
        citations = [Citation(paper_id=hits[n - 1].paper_id, page=hits[n - 1].page) for n in dict.fromkeys(numbers)]
        if citations and item["text"].strip():
            sentences.append(SummarySentence(text=item["text"].strip(), citations=citations))
    return sentences[:MAX_SENTENCES]


def llm_answer(question: str, hits: list[SearchHit], chat_model) -> list[SummarySentence]:
    """Ask the chat model for a cited answer; passages go in as delimited data.
    An answer that is not a JSON list gives no sentences (the report then says so)."""
    passages = [{"paper_id": as_data(h.paper_id), "page": h.page, "text": as_data(h.text)} for h in hits]
    prompt = render("answer.j2", question=as_data(question), passages=passages)
    try:
        reply = ask(chat_model, prompt, _Reply)
    except LLMAnswerError:
        return []
    return _cited_sentences(reply.root, hits)
