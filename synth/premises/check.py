"""Each premise of a question, checked by meaning against the ingested papers.

1. The question's **main subject** is its most specific method that some
   paper studies (else a model, else a dataset or benchmark); the papers
   that study it are the *subject papers*. A premise is supported only when
   a subject paper studies it: BEIR is studied by some paper, but not by
   the one about hybrid batches.
2. A thing counts as studied when a sentence outside references, related
   work and discussion names it, without negation, citation or "such as"
   (synth.premises.sources). Names are found by their aliases; methods,
   domains, settings and compared things also by **meaning**: the closest
   sentences by embedding (the bundled all-MiniLM-L6-v2), so "a mixture of
   monolingual and cross-lingual batches" supports "hybrid batch training".
   In the band between a weak and a strong match the trained verifier's
   NLI cross-encoder (synth.models.nli) decides: the sentence must entail
   "the paper studies <premise>" (``entailment``: any such function;
   thresholds in synth.verify.policy.PremisePolicy, settings.verify.premises).
3. A subject paper that says it did not evaluate the thing contradicts it; a
   type the question gets wrong is a category error; an unknown name that no
   source names is "not found in any source". Every not-supported premise
   lists what the subject papers study of the same kind instead.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from synth.index.embeddings import Embedder
from synth.index.library import Library
from synth.premises.extract import Premise, extract_premises, named_in_text
from synth.verify.policy import PremisePolicy
from synth.premises.sources import SourceSentence, Sources
from synth.records import PremiseCheck
from synth.settings import Settings
from synth.text import vocab
from synth.text.mentions import alias_pattern
from synth.text.normalise import content_words

EntailmentFn = Callable[[list[tuple[str, str]]], list[float]]
"""(source sentence, hypothesis) pairs -> probability that each sentence entails its hypothesis."""

MAX_EVIDENCE = 2
MAX_INSTEAD = 5
_SUBJECT_ORDER = (("method",), ("model",), ("dataset", "benchmark"), ("other",))
_STRICT_SUBJECT = "method"
"""A known method nobody studies is still the subject (its question is about nothing the sources study);
other kinds give way to the next kind."""
_FAMILY = {"benchmark": ("benchmark", "dataset"), "dataset": ("benchmark", "dataset"), "other": ("benchmark", "dataset"),
           "domain": ("dataset", "benchmark"), "comparison": ("method", "model")}
_STATEMENTS = {
    "benchmark": "the sources evaluate on {name}",
    "dataset": "the sources use the {name} dataset",
    "method": "the sources study {name}",
    "model": "the sources use {name}",
    "metric": "the sources report {name}",
    "language": "the sources cover {name}",
    "domain": "the sources study the {name} setting",
    "comparison": "the sources compare against {name}",
    "other": "the sources study {name}",
}
_HYPOTHESES = {"method": "The paper studies {name}.", "domain": "The paper studies the {name} setting.",
               "comparison": "The paper compares against {name}."}
"""What a sentence must entail to state a premise matched by meaning (the kinds _by_meaning reads)."""
_SIZE_IN_TEXT = re.compile(r"\b(\d+(?:\.\d+)?)\s?(M|B|million|billion)\b(?=[^.]{0,40}param)", re.I)
_AT_K_IN_TEXT = re.compile(r"\b(?:nDCG|NDCG|MRR|Recall|R|P|Precision|Hits|Success|mAP|MAP)@\d+\b")


@dataclass(frozen=True)
class Sighting:
    sentence: SourceSentence
    role: str
    match: str  # "name" | "meaning"
    score: float = 1.0


class PremiseChecker:
    """Checks the premises of one question against one library."""

    def __init__(self, library: Library, settings: Settings, policy: PremisePolicy,
                 entailment: EntailmentFn | None = None) -> None:
        self.library = library
        self.sources = Sources(library)
        self.embedder = Embedder(settings)
        self.policy = policy
        self.entailment = entailment
        self._vectors: dict[str, np.ndarray] = {}
        self._names: dict[str, Counter] = {}

    # --- finding sightings ----------------------------------------------------

    def sightings(self, premise: Premise) -> list[Sighting]:
        """Every sentence that names the premise (by alias) or, for phrases, states it (by meaning)."""
        found = self._named(premise)
        if premise.kind in ("method", "domain") or (premise.kind == "comparison" and not premise.known):
            named = {id(s.sentence) for s in found}
            found += [s for s in self._by_meaning(premise) if id(s.sentence) not in named]
        return found

    def _patterns(self, premise: Premise) -> list[re.Pattern[str]]:
        if premise.size:
            return [re.compile(rf"\b{re.escape(size[:-1])}\s?(?:{size[-1]}|{_UNIT_WORDS[size[-1]]})\b", re.I)
                    for size in premise.members]
        if premise.kind == "metric" and premise.name.endswith("@k"):
            return [re.compile(rf"\b{re.escape(premise.name[:-2])}@\d+", re.I)]
        forms = {*premise.aliases, premise.name} if premise.kind != "language" else {*premise.aliases, premise.name,
                                                                                    *premise.members}
        if not premise.known:
            forms = {premise.mention}
        return [alias_pattern(form) for form in sorted(forms, key=len, reverse=True) if form]

    def _named(self, premise: Premise) -> list[Sighting]:
        patterns = self._patterns(premise)
        found = []
        for sentence in self.sources.sentences:
            for pattern in patterns:
                match = pattern.search(sentence.text)
                if match:
                    found.append(Sighting(sentence, sentence.role(match.start(), match.end()), "name"))
                    break
        if premise.size:
            return self._all_sizes(found, len(patterns))
        return found

    @staticmethod
    def _all_sizes(found: list[Sighting], wanted: int) -> list[Sighting]:
        """A size range is studied by a paper only when the paper names every size of it."""
        by_paper: dict[str, list[Sighting]] = {}
        for sighting in found:
            by_paper.setdefault(sighting.sentence.paper_id, []).append(sighting)
        return [s for paper, sightings in by_paper.items() if len(sightings) >= wanted for s in sightings]

    def _by_meaning(self, premise: Premise) -> list[Sighting]:
        phrase = premise.name
        candidates: list[SourceSentence] = []
        for hit in self.library.dense_search(phrase, k=self.policy.meaning_chunks):
            candidates += self.sources.in_chunk(hit.paper_id, hit.page, hit.text)
        if not candidates:
            return []
        scores = self._similarity(phrase, [c.text for c in candidates])
        matched = [score >= self.policy.meaning_strong or _word_coverage(phrase, c.text) == 1.0
                   for c, score in zip(candidates, scores)]
        weak = [i for i, score in enumerate(scores) if not matched[i] and score >= self.policy.meaning_weak]
        for i, entailed in zip(weak, self._entailed(premise, [candidates[i].text for i in weak])):
            matched[i] = entailed
        found = [Sighting(c, c.role(), "meaning", float(score))
                 for c, score, ok in zip(candidates, scores, matched) if ok]
        return sorted(found, key=lambda sighting: -sighting.score)

    def _similarity(self, phrase: str, texts: list[str]) -> np.ndarray:
        missing = [text for text in dict.fromkeys([phrase, *texts]) if text not in self._vectors]
        for text, vector in zip(missing, self.embedder.embed(missing)):
            self._vectors[text] = vector
        query = self._vectors[phrase]
        return np.array([float(self._vectors[text] @ query) for text in texts])

    def _entailed(self, premise: Premise, sentences: list[str]) -> list[bool]:
        """Whether each sentence entails 'the paper studies <premise>'; none without an entailment model."""
        if self.entailment is None or not sentences:
            return [False] * len(sentences)
        hypothesis = _HYPOTHESES.get(premise.kind, _HYPOTHESES["method"]).format(name=premise.name)
        probabilities = self.entailment([(sentence, hypothesis) for sentence in sentences])
        return [probability >= self.policy.entailment_min for probability in probabilities]

    # --- the subject ----------------------------------------------------------

    def subject(self, premises: list[Premise], seen: dict[int, list[Sighting]]) -> tuple[Premise | None, set[str]]:
        """The question's main subject and the papers that study it (all papers when it has none)."""
        everyone = set(self.sources.paper_ids)
        for kinds in _SUBJECT_ORDER:
            candidates = [p for p in premises if p.kind in kinds and not p.error and not p.size
                          and p.name not in vocab.QUESTION_GENERIC_METHODS]
            studied = [(p, _studying(seen[id(p)])) for p in candidates]
            studied = [(p, papers) for p, papers in studied if papers]
            if studied:
                return min(studied, key=lambda item: len(item[1]))
            known = [p for p in candidates if p.known and p.kind == _STRICT_SUBJECT]
            if known:
                return known[0], set()
        return None, everyone

    # --- one check ------------------------------------------------------------

    def check(self, premise: Premise, subject: Premise | None, papers: set[str],
              seen: list[Sighting]) -> PremiseCheck:
        record = _record(premise, subject)
        instead = self.instead(premise, papers)
        if premise.error:
            return _not_supported(record, "category_error", f"category error: {premise.error}", instead)
        mine = [s for s in seen if s.sentence.paper_id in papers]
        studied = [s for s in mine if s.role == "studied"]
        negated = [s for s in mine if s.role == "negated"]
        if negated and not studied:
            return _not_supported(record, "contradicted",
                                  f"contradicted: {_papers(negated)} say(s) {premise.name} was not studied",
                                  instead, negated)
        if studied:
            return _supported(record, sorted(studied, key=lambda s: not s.sentence.section), subject)
        return self._absent(record, premise, subject, seen, instead)

    def _absent(self, record: PremiseCheck, premise: Premise, subject: Premise | None, seen: list[Sighting],
                instead: list[str]) -> PremiseCheck:
        elsewhere = [s for s in seen if s.role == "studied"]
        if elsewhere and subject is not None:
            return _not_supported(record, "studied_elsewhere",
                                  f"not supported by the sources: {premise.name} is studied only in papers "
                                  f"without {subject.name} ({_papers(elsewhere)})", instead, elsewhere)
        if seen:
            roles = ", ".join(sorted({s.role for s in seen}))
            return _not_supported(record, "mentioned_only",
                                  f"not supported by the sources: {premise.name} is only mentioned ({roles}), "
                                  "never studied", instead, seen)
        if not premise.known:
            return _not_supported(record, "not_found", f"{premise.name} is not found in any source", instead)
        return _not_supported(record, "not_studied",
                              f"not supported by the sources: no ingested paper names {premise.name}", instead)

    # --- what the sources study instead ------------------------------------------

    def instead(self, premise: Premise, papers: set[str]) -> list[str]:
        """Names of the premise's kind that the subject papers study, most-named first."""
        kind = premise.members[0] if premise.kind == "comparison" and premise.members else premise.kind
        families = ("size",) if premise.size else _FAMILY.get(kind, (kind,))
        counts: Counter = Counter()
        for paper in papers:
            counts.update({name: n for (k, name), n in self._studied_names(paper).items() if k in families})
        excluded = {premise.name.lower(), premise.mention.lower()}
        return [name for name, _ in counts.most_common() if name.lower() not in excluded][:MAX_INSTEAD]

    def _studied_names(self, paper_id: str) -> Counter:
        """(kind, name) -> how many studied sentences of the paper name it; sizes as kind 'size'."""
        if paper_id not in self._names:
            counts: Counter = Counter()
            for sentence in self.sources.of_papers({paper_id}):
                if sentence.role() != "studied":
                    continue
                found = {*named_in_text(sentence.text),
                         *(("size", _size_label(m)) for m in _SIZE_IN_TEXT.finditer(sentence.text)),
                         *(("metric", name) for name in _AT_K_IN_TEXT.findall(sentence.text))}
                counts.update(found)
            self._names[paper_id] = counts
        return self._names[paper_id]


_UNIT_WORDS = {"M": "million", "B": "billion", "K": "thousand"}


def _size_label(match: re.Match[str]) -> str:
    return f"{match.group(1)}{match.group(2)[0].upper()}"


def _word_coverage(phrase: str, sentence: str) -> float:
    """Share of the phrase's telling words that the sentence uses, itself or as a paraphrase (vocab.PARAPHRASES)."""
    words = [word for word in re.findall(r"[A-Za-z][\w-]*", phrase.lower())
             if word not in vocab.METHOD_HEADS and content_words(word)]
    if not words:
        return 0.0
    present = content_words(sentence)
    hits = sum(bool(content_words(" ".join((word, *vocab.PARAPHRASES.get(word, ())))) & present) for word in words)
    return hits / len(words)


def _studying(sightings: list[Sighting]) -> set[str]:
    return {s.sentence.paper_id for s in sightings if s.role == "studied"}


def _papers(sightings: list[Sighting]) -> str:
    return ", ".join(sorted({s.sentence.paper_id for s in sightings}))


def _record(premise: Premise, subject: Premise | None) -> PremiseCheck:
    statement = _STATEMENTS[premise.kind].format(name=premise.name)
    if subject is not None and subject is not premise:
        statement += f" together with {subject.name}"
    return PremiseCheck(premise=statement, kind=premise.kind, supported=None, status="unclear", name=premise.name,
                        mention=premise.mention, size=premise.size, subject=subject.name if subject else None)


def _supported(record: PremiseCheck, studied: list[Sighting], subject: Premise | None) -> PremiseCheck:
    how = "meaning" if all(s.match == "meaning" for s in studied) else "name"
    rationale = (f"studied in {_papers(studied)}" + (f" together with {subject.name}" if subject else "")
                 + (" (matched by meaning)" if how == "meaning" else ""))
    return record.model_copy(update={
        "supported": True, "status": "supported", "finding": "studied", "match": how, "rationale": rationale,
        "evidence": [s.sentence.evidence() for s in studied[:MAX_EVIDENCE]]})


def _not_supported(record: PremiseCheck, finding: str, rationale: str, instead: list[str],
                   quoted: list[Sighting] = ()) -> PremiseCheck:
    if instead:
        rationale += f"; the sources study {', '.join(instead)} instead"
    match = "none" if not quoted else ("meaning" if all(s.match == "meaning" for s in quoted) else "name")
    return record.model_copy(update={
        "supported": False, "status": "not_supported", "finding": finding, "rationale": rationale, "match": match,
        "sources_use_instead": instead, "evidence": [s.sentence.evidence() for s in quoted[:MAX_EVIDENCE]]})


def nli_entailment(settings: Settings) -> EntailmentFn:
    """The trained verifier's cross-encoder (settings.verify.nli.model_dir, default the shipped one) as an
    EntailmentFn; the model is loaded on the first call, so questions with no weak match never load it."""

    def entailment(pairs: list[tuple[str, str]]) -> list[float]:
        from synth.models.nli import load_nli_model
        from synth.models.nli_data import ENTAILMENT, LABELS

        probabilities = load_nli_model(settings.verify.nli.model_dir).predict(pairs)
        return [float(p) for p in probabilities[:, LABELS.index(ENTAILMENT)]]

    return entailment


def check_premises(question: str, library: Library, settings: Settings | None = None,
                   entailment: EntailmentFn | None = None, policy: PremisePolicy | None = None) -> list[PremiseCheck]:
    """One PremiseCheck per premise of the question, in reading order. Without ``entailment`` the trained
    verifier's NLI model decides weak meaning matches, unless ``policy.entailment`` is off."""
    settings = settings or library.settings
    policy = policy or settings.verify.premises
    if entailment is None and policy.entailment:
        entailment = nli_entailment(settings)
    premises = extract_premises(question)
    if not library.papers():
        return [_record(p, None).model_copy(update={
            "finding": "no_sources", "rationale": "no papers are ingested: run `synth ingest` first"})
            for p in premises]
    checker = PremiseChecker(library, settings, policy, entailment)
    seen = {id(p): checker.sightings(p) for p in premises}
    subject, papers = checker.subject(premises, seen)
    return [checker.check(p, subject, papers, seen[id(p)]) for p in premises]
