"""``synth report``: question in, verified-claims report out.

find papers (arXiv search and/or local PDFs) -> follow the top papers'
arXiv references one hop -> rank -> extract claims -> verify -> check
premises -> attach the reproduction -> summarise -> ledger -> render.

``Stages`` runs the stages report and audit share, each returning its value
with its limitations; ``ReportBuilder`` and ``synth.report.audit.Auditor`` each
compose one and fill their list of sections (synth.report.sections).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from synth.files import display_path
from synth.index.library import Library
from synth.records import Claim, PremiseCheck, Verification
from synth.report import stages
from synth.report.cache import ReportCache
from synth.report.document import Limitation, ReportDocument, Source
from synth.report.findings import contradictions, merge_same_findings
from synth.report.ledger import record_verifications
from synth.report.progress import StageDisplay
from synth.report.relevance import question_relevance
from synth.report.sections import REPORT_SECTIONS, names
from synth.report.sections.answer import answer_of
from synth.report.sections.claims import claim_rows
from synth.report.sections.limitations import unchecked
from synth.report.sections.method import verifier_method
from synth.report.sections.premises import premises
from synth.report.sections.provenance import build_provenance
from synth.report.sections.reproduction import run_reproduction
from synth.report.sections.sources import source_of
from synth.settings import Settings
from synth.studies.hybrid_batch.records import Reproduction
from synth.verify.checks import verdict_rule

FOLLOW_TOP = 3
"""How many of the best-ranked papers have their arXiv references followed."""
REFERENCE_TRIES_PER_PAPER = 3


@dataclass
class ReportRequest:
    question: str
    out: Path
    papers: list[Path] = field(default_factory=list)
    arxiv: bool = True
    max_papers: int = 8
    data_dir: Path | None = None
    reproduce: str = "cached"
    ledger_path: Path | None = None
    command: str = "synth report"


class Stages:
    """The stages report and audit share; each shows as a line of the display and
    returns ``(value, limitations)``. Papers found so far are kept in ``found``."""

    def __init__(self, settings: Settings, display: StageDisplay, data_dir: Path | None,
                 ledger_path: Path | None, arxiv: bool = False) -> None:
        self.settings, self.display, self.data_dir, self.ledger_path = settings, display, data_dir, ledger_path
        self.arxiv = arxiv
        """arXiv may be asked: local PDFs with an arXiv id then take their metadata from it."""
        self.library = Library(settings)
        self.found = stages.Found()
        self.cache = ReportCache(settings)

    def ingest(self, sources: list[str], found_by: str | None) -> list[Limitation]:
        """Ingest ``sources`` into the library and ``found``; a limitation per source that failed."""
        before = len(self.found.limitations)
        stages.ingest_into(self.found, sources, self.settings, self.library, found_by, self.arxiv)
        return self.found.limitations[before:]

    def reproduce(self, mode: str, out: Path) -> tuple[tuple[Reproduction | None, Path | None], list[Limitation]]:
        """((the reproduction section, the results folder quantitative claims are judged on), limitations)."""
        with self.display.stage("reproduction") as advance:
            reproduction, results_dir, problems = run_reproduction(mode, self.settings, self.data_dir, out)
            advance(note=reproduction.config_name if reproduction else "none")
        return (reproduction, results_dir), problems

    def verify(self, claims: list[Claim], results_dir: Path | None, ledger_source: str,
               use_results: bool = True) -> tuple[tuple[list[Verification], dict[int, list[int]]], list[Limitation]]:
        """((verdicts, one per finding, row -> rows stating the same finding), limitations). The ledger records
        each claim's own verdict, before findings are merged: ``synth reverify`` re-checks claims one by one, and
        a ledger holding the merged verdict would read a change where nothing changed. The limitations say what
        could not be checked."""
        with self.display.stage("verify claims", total=len(claims)) as advance:
            verifications = stages.verify(claims, self.library, self.settings, self.data_dir, results_dir,
                                          on_done=advance, use_results=use_results, cache=self.cache)
            advance(0, note=self.cache.note("verify", len(claims)))
        if self.ledger_path:
            record_verifications(self.ledger_path, verifications, ledger_source, claims)
        vectors = self.library.embedder.embed([item.claim for item in verifications])
        verifications, same_finding = merge_same_findings(verifications, vectors, self.settings.verify.checks)
        return (verifications, same_finding), unchecked(verifications)

    def check_premises(self, question: str) -> tuple[list[PremiseCheck], list[Limitation]]:
        with self.display.stage("check premises") as advance:
            checks, problems = self.cache.premises(question, lambda: premises(question, self.library, self.settings))
            advance(note=", ".join(filter(None, [f"{len(checks)} premises", self.cache.note("premises")])))
        return checks, problems

    def sources(self, ranked: list[str]) -> list[Source]:
        return [source_of(self.library, paper_id, self.found.found_by[paper_id]) for paper_id in ranked]

    def config(self, arxiv: bool, max_papers: int | None, reproduce: str) -> dict[str, str]:
        """What the run was configured with (provenance); ``max_papers`` None: not a search."""
        config = {
            "arxiv": f"search and one-hop references via {self.settings.arxiv_url}" if arxiv else "off",
            **({"max_papers": str(max_papers)} if max_papers is not None else {}),
            "reproduce": reproduce,
            "chunk_size": f"{self.settings.chunk_size} (overlap {self.settings.chunk_overlap})",
            "llm_model": self.settings.llm_model or "none (offline, extractive)",
            "data_dir": display_path(self.data_dir or self.settings.lareqa_dir),
        }
        return config


class ReportBuilder:
    """Runs the stages for one request and fills the report's sections."""

    def __init__(self, request: ReportRequest, settings: Settings, display: StageDisplay) -> None:
        self.request, self.settings, self.display = request, settings, display
        self.stages = Stages(settings, display, request.data_dir, request.ledger_path, request.arxiv)

    def find_papers(self) -> list[Limitation]:
        limitations: list[Limitation] = []
        with self.display.stage("find papers", watch=limitations) as advance:
            if self.request.papers:
                limitations += self.stages.ingest([str(p) for p in self.request.papers], None)
                advance(note=f"{len(self.stages.found.found_by)} local")
            if self.request.arxiv:
                ids, query, problems = stages.search_arxiv(self.request.question, self.request.max_papers, self.settings)
                limitations += problems + self.stages.ingest(ids, f"arXiv search '{query}'")
                advance(note=f"{len(ids)} from arXiv")
        return limitations

    def follow_references(self, ranked: list[str]) -> list[Limitation]:
        """Ingest up to ``max_papers`` arXiv papers cited by the top papers, the most
        relevant first; at most ``REFERENCE_TRIES_PER_PAPER`` times as many are tried
        (some cited ids are withdrawn or mistyped)."""
        limitations: list[Limitation] = []
        with self.display.stage("follow references", watch=limitations) as advance:
            if not self.request.arxiv:
                return limitations
            found, wanted = self.stages.found, self.request.max_papers
            cited = stages.referenced_arxiv_ids(self.stages.library, ranked[:FOLLOW_TOP], found.base_ids(),
                                                self.request.question, wanted * REFERENCE_TRIES_PER_PAPER)
            added = 0
            for arxiv_id, citing in cited.items():
                before = len(found.found_by)
                limitations += self.stages.ingest([arxiv_id], f"reference of {citing}")
                added += len(found.found_by) - before
                advance(note=f"{added} of {len(cited)} cited arXiv papers tried so far")
                if added >= wanted:
                    break
        return limitations

    def extract(self, ranked: list[str]) -> list[Claim]:
        with self.display.stage("extract claims") as advance:
            claims = stages.extract(ranked, self.request.question, self.stages.library, self.stages.cache)
            advance(note=", ".join(filter(None, [f"{len(claims)} claims", self.stages.cache.note("extract")])))
        return claims

    def relevant(self, ranked: list[str], hits: list, limitations: list[Limitation]) -> tuple[list[str], list]:
        """The ranked papers (and their hits) that pass the relevance gate; the others become a limitation."""
        relevance = question_relevance(self.stages.library, self.request.question, ranked, self.settings.verify.relevance)
        if relevance.limitation():
            limitations.append(relevance.limitation())
        kept = set(relevance.passing)
        return [paper_id for paper_id in ranked if paper_id in kept], [hit for hit in hits if hit.paper_id in kept]

    def config(self) -> dict[str, str]:
        return self.stages.config(self.request.arxiv, self.request.max_papers, self.request.reproduce)

    def build(self) -> ReportDocument:
        question, library = self.request.question, self.stages.library
        found_limits = self.find_papers()
        ranked, _ = stages.rank_papers(library, question, list(self.stages.found.found_by))
        if not question_relevance(library, question, ranked, self.settings.verify.relevance).any_passes:
            return self.empty(found_limits)
        found_limits += self.follow_references(ranked)
        ranked, hits = self.relevant(*stages.rank_papers(library, question, list(self.stages.found.found_by)),
                                     found_limits)
        (reproduction, results_dir), reproduction_limits = self.stages.reproduce(self.request.reproduce, self.request.out)
        claims = self.extract(ranked)
        (verifications, same_finding), unchecked_limits = self.stages.verify(
            claims, results_dir, f"report: {question}", use_results=self.request.reproduce != "none")
        premise_checks, premise_limits = self.stages.check_premises(question)
        answer, method = answer_of(question, claims, verifications, hits, self.settings, premise_checks)
        sources = self.stages.sources(ranked)
        rows = claim_rows(verifications, claims, same_finding)
        return ReportDocument(
            sections=names(REPORT_SECTIONS), title=question, question=question, premises=premise_checks,
            answer=answer, answer_method=method, sources=sources, claims=rows,
            contradictions=contradictions(rows),
            verdict_rule=verdict_rule(self.settings.verify), reproduction=reproduction,
            limitations=found_limits + reproduction_limits + premise_limits + unchecked_limits,
            method=verifier_method(self.settings, self.request.out),
            provenance=build_provenance(self.settings, self.request.command, self.config(), sources, reproduction,
                                        library),
        )

    def empty(self, found_limits: list[Limitation]) -> ReportDocument:
        """The report for a question no paper matched: it says so, and why."""
        where = ", ".join(filter(None, ["arXiv" if self.request.arxiv else "", *map(str, self.request.papers)]))
        limitations = found_limits + [
            Limitation(what="No matching papers",
                       why=f"no paper in {where or 'no source (pass --papers or --arxiv)'} addresses the question "
                           f"(none reaches the relevance gate, settings.verify.relevance.min_paper_score "
                           f"{self.settings.verify.relevance.min_paper_score:.2f}); no claims were extracted")]
        return ReportDocument(
            sections=names(REPORT_SECTIONS), title=self.request.question, question=self.request.question,
            answer_method="none", limitations=limitations,
            provenance=build_provenance(self.settings, self.request.command, self.config(), [], None,
                                        self.stages.library),
        )


def build_report(request: ReportRequest, settings: Settings, progress: bool = True) -> ReportDocument:
    with StageDisplay(enabled=progress) as display:
        return ReportBuilder(request, settings, display).build()
