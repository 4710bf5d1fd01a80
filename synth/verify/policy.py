"""The verification policy: every threshold and weight a verdict (or the choice of
claims to verify) depends on, in one settings model (``settings.verify``).

Each field has bounds and says what it decides; ``SYNTH_VERIFY__TEXT__MATCH_THRESHOLD=0.6``
changes one from the environment, and every report records the values it ran with
(``Provenance.verify_policy``). A new verifier adds its own section here (a learned
text verifier: its decision thresholds) and its name to ``verifiers``.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


def _share(default: float, description: str) -> float:
    return Field(default, ge=0.0, le=1.0, description=description)


class TextPolicy(BaseModel):
    """The rule-based text verifier (synth.verify.text)."""

    search_depth: int = Field(6, ge=1, description="hybrid-search hits a claim's candidate passages come from")
    context_margin: int = Field(250, ge=0, description="characters around a hit's chunk that are segmented too, "
                                                       "so sentences cut by the chunk boundary are whole")
    similarity_weight: float = _share(0.5, "weight of embedding similarity in a passage's relevance")
    overlap_weight: float = _share(0.5, "weight of content-word overlap in a passage's relevance")
    match_threshold: float = _share(0.55, "relevance a passage needs to count as talking about the claim")
    support_threshold: float = _share(0.62, "relevance above which a conflict-free passage supports the claim")
    support_coverage: float = _share(0.5, "share of the claim's named entities a supporting passage must name")
    number_conflict_threshold: float = _share(0.5, "relevance at which a passage with other numbers refutes, "
                                                   "even below match_threshold")
    number_conflict_overlap: float = _share(0.75, "word overlap such a number-conflicting passage needs")
    number_conflict_coverage: float = _share(1.0, "entity coverage such a number-conflicting passage needs")
    negation_overlap: float = _share(0.6, "word overlap at which a clause negated the other way contradicts")
    substitution_threshold: float = _share(0.25, "relevance at which a passage naming another dataset/model "
                                                 "refutes a claim about one its paper never mentions")
    approximate_share: float = _share(0.05, "an approximately stated number matches within this share of its value")
    llm_passages: int = Field(5, ge=1, description="best passages the LLM judge sees (with SYNTH_LLM_MODEL)")


class NliPolicy(BaseModel):
    """The trained text verifier (synth.verify.nli); its verdict rule is the fitted combiner, not a threshold."""

    depth: int = Field(8, ge=1, description="most similar candidate sentences the NLI cross-encoder reads")
    name_scope_margin: float = Field(1.5, ge=1.0, description="a claim without paper_id is searched in the paper "
                                     "that writes its distinctive names (XLNet, QANet) this many times more "
                                     "(rarity-weighted) than any other paper")
    max_claim_chars: int = Field(2000, ge=50, description="longer claims are truncated (with a note) before judging")
    min_latin_share: float = _share(0.5, "claims with a smaller share of Latin letters are not judged (English model)")
    min_english_share: float = _share(0.5, "claims whose function words are mostly of another language (German, "
                                           "French, Spanish, Italian, Dutch) are not judged (English model)")
    model_dir: str | None = Field(None, description="folder of a retrained model (synth models train-verifier); "
                                                    "default: the one shipped in synth/models/verifier")


class DatasetPolicy(BaseModel):
    """The LAReQA dataset-fact verifier (synth.studies.hybrid_batch.dataset)."""

    approximate_share: float = _share(0.1, "an approximately stated count ('about 1,190') matches within this share")


class StrengthPolicy(BaseModel):
    """Raw strengths of judgements that no measured match decides; calibration maps them to confidence."""

    no_source: float = _share(1.0, "no papers, an unknown paper, or no passage found: surely unverifiable here")
    source_missing: float = _share(0.9, "the data folder or the result files a verifier needs are missing")
    nothing_measured: float = _share(0.8, "result files exist but hold no measurement for the claim")
    unread: float = _share(0.5, "the claim's numbers could not be assigned to what the data counts")
    computed: float = _share(1.0, "a verdict computed from the data files")
    llm_unchecked: float = _share(0.5, "an LLM answer whose quote could not be checked")


class ExtractionPolicy(BaseModel):
    """Which sentences become claims (synth.claims.extract)."""

    min_confidence: float = _share(0.5, "sentences less likely than this to be a claim are never returned")
    duplicate_cosine: float = _share(0.9, "embedding cosine above which a lower-ranked claim is a duplicate")
    restated_cosine: float = _share(0.8, "cosine above which a claim repeating most numbers is a restatement")
    restated_share: float = _share(0.75, "share of a claim's numbers that must recur for a restatement")
    question_depth: int = Field(50, ge=1, description="hybrid-search hits scored for a question's relevance")
    chunk_weight: float = _share(0.5, "weight of the chunk's retrieval score in a claim's relevance")
    similarity_weight: float = _share(0.5, "weight of claim-question cosine in a claim's relevance")


class RelevancePolicy(BaseModel):
    """Whether a source addresses the report's question (synth.report.relevance)."""

    min_paper_score: float = Field(0.48, ge=-1.0, le=1.0,
                                   description="best question-passage cosine a paper needs to be a source of a "
                                               "report; fitted on labeled on- and off-topic questions by "
                                               "`python bench/bench_relevance.py` (2026-12-02, dev split; "
                                               "bench/RESULTS.md, issue 9)")


class ChecksPolicy(BaseModel):
    """How independent checks are gathered and combined into a verdict (synth.verify.checks)."""

    other_papers: int = Field(2, ge=0, description="other ingested papers (best search hits first) a claim "
                                                   "extracted from one paper is checked against")
    other_search_depth: int = Field(12, ge=1, description="hybrid-search hits the other papers are ranked by")
    other_depth: int = Field(4, ge=1, description="candidate sentences read per other paper (nli.depth for the "
                                                  "claim's own source)")
    min_part_words: int = Field(5, ge=1, description="words each side of '; ' or ', and' needs for a claim "
                                                     "to be judged as separate parts")
    min_cross_confidence: float = _share(0.5, "P(right) a check on another paper's text, or on the paper's own "
                                              "text elsewhere, must exceed to decide: more likely right than wrong")
    min_source_confidence: float = _share(1 / 3, "P(right) the check on the claim's own source text must exceed to "
                                                 "decide: above chance among the three verdicts the combiner "
                                                 "chooses from (its 'not enough evidence' is one of them, so "
                                                 "overruling its likeliest verdict with that one lowers accuracy)")
    same_finding_cosine: float = _share(0.9, "embedding cosine above which two claims of one report are one "
                                             "finding stated twice (as extraction.duplicate_cosine)")
    related_cosine: float = _share(0.7, "cosine above which two claims the study reads as the same comparison "
                                        "state the same finding (synth.report.findings)")
    conflicting: float = _share(0.5, "raw strength of an undecided verdict whose deciding checks disagree")
    no_independent_check: float = _share(0.8, "raw strength of an undecided verdict no independent check "
                                              "could decide (a claim only its own paper makes)")


class ReproductionPolicy(BaseModel):
    """When a reproduction run may decide a paper's claim (the strength rule, synth.studies.hybrid_batch)."""

    min_seeds: int = Field(2, ge=1, description="seeds a run needs before it decides a claim; fewer: it is "
                                                "reported with its measured difference and interval only")
    min_train_steps: int = Field(200, ge=1, description="training steps per run a deciding run needs")


class PremisePolicy(BaseModel):
    """How a source sentence comes to state a premise (synth.premises.check); fitted on the dev split of
    bench/bench_premises.py only (figures with and without entailment: bench/RESULTS.md, issue 10)."""

    meaning_chunks: int = Field(12, ge=1, description="chunks the dense index returns per premise; their "
                                                      "sentences are the candidates for a meaning match")
    meaning_strong: float = _share(0.62, "cosine similarity at which a sentence states the premise's method or "
                                         "setting by itself")
    meaning_weak: float = _share(0.5, "below this cosine no sentence is taken to mean the premise; between the "
                                      "two the entailment model decides (a sentence using every telling word of "
                                      "the premise, itself or as a paraphrase, matches at any score)")
    entailment: bool = Field(True, description="ask the trained NLI verifier (synth.models.nli) about sentences "
                                               "in the weak band; off: the embedding match alone decides")
    entailment_min: float = _share(0.5, "entailment probability at which a weak-band sentence states the premise")


class VerifyPolicy(BaseModel):
    """``settings.verify``: the order verifiers are tried in, and each one's thresholds."""

    verifiers: list[str] = Field(["dataset", "reproduction", "nli"], min_length=1,
                                 description="registry names (synth.verify.registry), tried in order: "
                                             "the first of each kind that accepts a claim checks it")
    text: TextPolicy = Field(default_factory=TextPolicy)
    nli: NliPolicy = Field(default_factory=NliPolicy)
    dataset: DatasetPolicy = Field(default_factory=DatasetPolicy)
    strengths: StrengthPolicy = Field(default_factory=StrengthPolicy)
    extraction: ExtractionPolicy = Field(default_factory=ExtractionPolicy)
    relevance: RelevancePolicy = Field(default_factory=RelevancePolicy)
    checks: ChecksPolicy = Field(default_factory=ChecksPolicy)
    reproduction: ReproductionPolicy = Field(default_factory=ReproductionPolicy)
    premises: PremisePolicy = Field(default_factory=PremisePolicy)

    def flat(self) -> dict[str, str]:
        """``{"text.match_threshold": "0.55", ...}``: how a report's provenance records it."""
        flat: dict[str, str] = {"verifiers": ", ".join(self.verifiers)}
        for section in ("text", "nli", "dataset", "strengths", "extraction", "relevance", "checks", "reproduction", "premises"):
            flat |= {f"{section}.{name}": str(value) for name, value in getattr(self, section).model_dump().items()}
        return flat
