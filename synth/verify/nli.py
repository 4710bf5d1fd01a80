"""Registry entry ``nli``: claims against the ingested papers, decided by the trained models.

Candidates are the same sentences the rule verifier sees (synth.verify.candidates: hybrid
search scoped to the claim's paper when it names one). The ``policy.nli.depth`` most
similar are read by the NLI cross-encoder (synth.models.nli); its probabilities and the
structured checks become one feature vector, and the fitted combiner
(synth.models.judge) gives the verdict and a calibrated P(verdict is right). The old
rules survive only as features. With a chat model configured, the LLM judges the same
best candidates instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from synth.index.library import Library
from synth.ingest.tables import TableRow
from synth.models.cells import CellReading, claimed_tables, read_cells
from synth.models.judge import ClaimJudge, JudgeOutput, ScoredCandidate, best_candidate, claim_features
from synth.models.nli import load_nli_model, model_folder
from synth.models.scope import PaperVocabulary
from synth.models.scoring import score_passages
from synth.models.store import JUDGE_FILE, ModelFileError, REBUILD_HINT
from synth.records import Evidence
from synth.text.language import reads_as_english
from synth.verify.candidates import Candidate, candidates_for
from synth.verify.inputs import ClaimInput
from synth.verify.judgement import Judgement
from synth.verify.llm import llm_judge
from synth.verify.policy import NliPolicy
from synth.verify.protocol import VerifyContext
from synth.verify.text import paper_text, unusable_scope


@lru_cache(maxsize=2)
def load_judge(folder: str) -> ClaimJudge:
    path = Path(folder) / JUDGE_FILE
    if not path.exists():
        raise ModelFileError(f"{path}: verdict combiner missing; {REBUILD_HINT}")
    return ClaimJudge.load(path)


def _prepared(claim: str, policy: NliPolicy) -> tuple[str, list[str]]:
    """The claim as read (capped at ``max_claim_chars``) and notes on what was changed."""
    if len(claim) <= policy.max_claim_chars:
        return claim, []
    return claim[: policy.max_claim_chars], [f"claim truncated to its first {policy.max_claim_chars:,} of "
                                             f"{len(claim):,} characters"]


def _rationale(verdict: str, probabilities: dict[str, float], candidate: ScoredCandidate | None,
               where: Candidate | None, features: dict[str, float], notes: list[str], cells: str | None) -> str:
    """``cells``: what the table-cell checks found, naming the table and rows (CellReading.describe)."""
    parts = [f"combined P({verdict}) = {probabilities[verdict]:.2f}"]
    if candidate is not None and where is not None:
        entail, _, contradict = candidate.probabilities
        parts.append(f"closest evidence {where.paper_id} p. {where.page}: entailment {entail:.2f}, "
                     f"contradiction {contradict:.2f}, similarity {candidate.similarity:.2f}")
    checks = [name for name in ("number_conflict", "direction_conflict", "opposite_wording", "quantifier_conflict")
              if features.get(name)]
    if features.get("number_claimed"):
        checks.append(f"claimed numbers stated: {features['number_match']:.0%}")
    if cells:
        checks.append(cells)
    if features.get("entity_missing"):
        checks.append(f"named datasets/models not in the evidence: {features['entity_missing']:.0%}")
    if unwritten_scope(features):
        checks.append(f"names its paper never writes: {features['names_unseen']:.0%} (so it cannot refute)")
    if checks:
        parts.append("checks: " + ", ".join(checks))
    return "; ".join(parts + notes)


@dataclass
class ClaimEvidence:
    """One claim's candidates as the combiner sees them (also what benchmarks and fitting cache)."""

    claim: str
    notes: list[str]
    chosen: list[Candidate]
    scored: list[ScoredCandidate]
    scoped: bool
    paper_checks: dict[str, float]
    """What the claim names that its paper never writes (synth.models.scope.PAPER_CHECKS)."""
    table_rows: list[TableRow] = field(default_factory=list)
    """Every row of its paper's tables that state a number the claim writes (synth.models.cells.claimed_tables)."""

    @cached_property
    def cells(self) -> CellReading:
        """The table-cell reading over the scored candidates and ``table_rows``, made once: the combiner's
        features and the verdict's rationale both come from it."""
        return read_cells(self.claim, [candidate.text for candidate in self.scored], self.table_rows)


class NliTextVerifier:
    """Claims against the library, judged by the cross-encoder and the fitted combiner."""

    name = "nli"
    kind = "textual"

    def __init__(self) -> None:
        self._library: Library | None = None
        self._vectors: dict[str, np.ndarray] = {}
        self._papers: PaperVocabulary | None = None

    def accepts(self, claim: ClaimInput) -> bool:
        return True

    def _use(self, library: Library) -> None:
        if library is not self._library:
            self._library, self._vectors, self._papers = library, {}, None

    def _vectors_of(self, texts: list[str]) -> None:
        missing = [text for text in dict.fromkeys(texts) if text not in self._vectors]
        if missing:
            self._vectors.update(zip(missing, self._library.embedder.embed(missing)))

    def _similarities(self, claim: str, quotes: list[str]) -> np.ndarray:
        self._vectors_of([claim, *quotes])
        return np.stack([self._vectors[q] for q in quotes]) @ self._vectors[claim]

    def _candidates(self, claim: ClaimInput, context: VerifyContext
                    ) -> Judgement | tuple[str, list[str], list[str] | None, list[Candidate]]:
        """The claim as read, notes on it, its scope and its candidates; or the judgement when
        there is nothing to read (a claim not in English, an unusable paper, no passage)."""
        policy, strengths = context.policy.nli, context.policy.strengths
        self._use(context.library)
        text, notes = _prepared(claim.text, policy)
        if not reads_as_english(text, policy.min_latin_share, policy.min_english_share):
            return Judgement.unverifiable("text", strengths.no_source, "the claim is not in English (the verifier "
                                          "reads English text); translate it to check it")
        attributed = unusable_scope(claim.paper_id, self._library, strengths)
        if isinstance(attributed, Judgement):
            return attributed
        scope = attributed or self._named_scope(text, policy)
        candidates = candidates_for(text, self._library, scope, context.policy.text)
        if not candidates:
            return Judgement.unverifiable("text", strengths.no_source, "hybrid search found no passage for this claim")
        return text, notes, scope, candidates

    def prepare(self, claims: list[ClaimInput], context: VerifyContext) -> None:
        """Embed the candidate sentences of all ``claims`` in one call before any is verified.

        One claim's candidates are a few dozen sentences: embedded claim by claim, the batches
        are small and mix lengths (bench/RESULTS.md, issue 11). Candidates found here without
        a claim's own sentence excluded (synth.verify.candidates.excluding) are a superset of
        those ``verify`` reads.
        """
        texts: list[str] = []
        for claim in claims:
            found = self._candidates(claim, context)
            if not isinstance(found, Judgement):
                text, _notes, _scope, candidates = found
                texts += [text, *(candidate.quote for candidate in candidates)]
        self._vectors_of(texts)

    def evidence_for(self, claim: ClaimInput, context: VerifyContext) -> Judgement | ClaimEvidence:
        """The scored candidates the combiner decides on, or the judgement when there is nothing to score."""
        found = self._candidates(claim, context)
        if isinstance(found, Judgement):
            return found
        text, notes, scope, candidates = found
        policy = context.policy.nli
        similarity = self._similarities(text, [c.quote for c in candidates])
        order = np.argsort(-similarity)[: policy.depth]
        chosen = [candidates[i] for i in order]
        if context.llm is not None:
            return llm_judge(context.llm, text, chosen, context.policy.strengths.llm_unchecked)
        scored = score_passages(text, [c.quote for c in chosen], [float(similarity[i]) for i in order],
                                load_nli_model(policy.model_dir))
        papers, vocabulary = scope or [chosen[0].paper_id], self._vocabulary()
        tables = claimed_tables(text, vocabulary.table_rows(papers), vocabulary.writes_every_name(text, papers))
        return ClaimEvidence(text, notes, chosen, scored, scope is not None, vocabulary.checks(text, papers), tables)

    def _vocabulary(self) -> PaperVocabulary:
        if self._papers is None:
            self._papers = PaperVocabulary({summary.paper_id: paper_text(self._library, summary.paper_id)
                                            for summary in self._library.papers()})
        return self._papers

    def _named_scope(self, claim: str, policy: NliPolicy) -> list[str] | None:
        """The paper a claim without a paper_id names through its system's name (synth.models.scope)."""
        named = self._vocabulary().named_paper(claim, policy.name_scope_margin)
        return [named] if named else None

    def verify(self, claim: ClaimInput, context: VerifyContext) -> Judgement:
        found = self.evidence_for(claim, context)
        if isinstance(found, Judgement):
            return found
        return decide(found, load_judge(str(model_folder(context.policy.nli.model_dir))))


def evidence_features(found: ClaimEvidence) -> dict[str, float]:
    """The combiner's input for one claim (what fitting and ``synth verify`` both compute)."""
    return claim_features(found.claim, found.scored, found.scoped, found.paper_checks, library=True,
                          cells=found.cells)


def unwritten_scope(features: dict[str, float]) -> bool:
    """The claim names something its paper never writes (a dataset it never evaluates, a tool it
    never uses) and no number it states conflicts with the text or a table cell: the paper is then
    about another dataset or setting, which is not enough evidence, not a refutation (issue 15)."""
    conflict = features.get("number_conflict") or features.get("cell_conflict")
    return bool(features.get("names_unseen")) and not conflict


def _unwritten_refutation(features: dict[str, float], output: JudgeOutput, judge: ClaimJudge) -> JudgeOutput:
    """A refutation of a claim naming what its paper never writes, as not enough evidence."""
    if output.verdict != "refuted" or not unwritten_scope(features):
        return output
    return judge.judge(features, merged=("refuted", "insufficient_evidence"))


def decide(found: ClaimEvidence, judge: ClaimJudge) -> Judgement:
    """The combiner's verdict and calibrated confidence on one claim's scored candidates."""
    features = evidence_features(found)
    output = _unwritten_refutation(features, judge.judge(features), judge)
    index = best_candidate(found.scored, output.verdict)
    where = found.chosen[index] if index is not None else None
    evidence = [Evidence(paper_id=where.paper_id, page=where.page, section=where.section, quote=where.quote)] if where else []
    rationale = _rationale(output.verdict, output.probabilities, found.scored[index] if index is not None else None,
                           where, features, found.notes, found.cells.describe())
    return Judgement(output.verdict, "text", output.confidence, rationale, evidence,
                     {**features, **{f"p_{k}": v for k, v in output.probabilities.items()}},
                     confidence=output.confidence)
