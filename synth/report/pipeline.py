"""``synth report``: question in, verified-claims report out.

find papers (arXiv search and/or local PDFs) -> follow the top papers'
arXiv references one hop -> rank -> extract claims -> verify -> check
premises -> attach the reproduction -> summarise -> ledger -> render.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from textwrap import shorten

import synth
from synth.files import display_path, file_sha256
from synth.index.library import Library
from synth.llm.chat import chat_model
from synth.records import Claim, SearchHit, Verification
from synth.report import stages
from synth.report.document import (
    ClaimRow, Limitation, Provenance, ReportDocument, Reproduction, Source, SummarySentence,
)
from synth.report.ledger import record_verifications
from synth.report.progress import StageDisplay
from synth.report.summary import extractive_answer, llm_answer
from synth.settings import Settings
from synth.verify.judgement import INSUFFICIENT

NO_PAPERS_EXIT = 3
FOLLOW_TOP = 3
"""How many of the best-ranked papers have their arXiv references followed."""
ANSWER_PASSAGES = 8
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


def created_at() -> str:
    """Now in UTC, or SOURCE_DATE_EPOCH when set (reproducible example reports)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def embedding_model_hashes(settings: Settings) -> tuple[str, dict[str, str]]:
    """(name of the embedding model, sha256 of its weight files)."""
    from synth.index.embeddings import model_location

    location = Path(model_location(settings))
    name = "all-MiniLM-L6-v2 (bundled)" if settings.embedding_model is None else str(settings.embedding_model)
    weights = sorted(location.glob("*.safetensors")) + sorted(location.glob("*.bin")) if location.is_dir() else []
    return name, {f"embedding {weight.name}": file_sha256(weight) for weight in weights}


def build_provenance(settings: Settings, command: str, config: dict[str, str], sources: list[Source],
                     reproduction: Reproduction | None, library: Library) -> Provenance:
    name, model_hashes = embedding_model_hashes(settings)
    data_hashes = {f"paper {source.id}": library.paper(source.id).paper.sha256 for source in sources}
    if reproduction is not None:
        model_hashes[f"reproduction {reproduction.model_spec}"] = reproduction.model_sha256
        data_hashes |= {f"LAReQA {path}": sha for path, sha in reproduction.data_sha256.items()}
    return Provenance(tool_version=synth.__version__, created_at=created_at(), command=command,
                      embedding_model=name, model_hashes=model_hashes, data_hashes=data_hashes, config=config,
                      verify_policy=settings.verify.flat())


def source_of(library: Library, paper_id: str, found_by: str) -> Source:
    paper = library.paper(paper_id).paper
    return Source(id=paper.paper_id, title=paper.title, authors=paper.authors, year=paper.year, found_by=found_by,
                  url=paper.url, origin=paper.source, pages=paper.pages)


def claim_rows(verifications: list[Verification], claims: list[Claim]) -> list[ClaimRow]:
    paper_of = {claim.id: claim.paper_id for claim in claims}
    return [
        ClaimRow(id=item.id, claim=item.claim, paper_id=paper_of.get(item.id), verdict=item.verdict,
                 confidence=item.confidence, method=item.method, evidence=item.evidence, rationale=item.rationale)
        for item in verifications
    ]


def unchecked(verifications: list[Verification]) -> list[Limitation]:
    """What could not be checked, and why (the verifier's own rationale)."""
    return [
        Limitation(what=f"Claim not checkable: {shorten(item.claim, 100, placeholder=' …')}",
                   why=shorten(item.rationale, 300, placeholder=" … (full rationale in the claims table)"))
        for item in verifications if item.verdict == INSUFFICIENT
    ]


def answer_of(question: str, claims: list[Claim], verifications: list[Verification], hits: list[SearchHit],
              settings: Settings) -> tuple[list[SummarySentence], str]:
    if settings.llm_model:
        sentences = llm_answer(question, hits[:ANSWER_PASSAGES], chat_model(settings))
        return sentences, "llm" if sentences else "none"
    sentences = extractive_answer(question, claims, verifications, hits[:ANSWER_PASSAGES])
    return sentences, "extractive" if sentences else "none"


class ReportBuilder:
    """Runs the stages for one request; each stage shows as a line of the display."""

    def __init__(self, request: ReportRequest, settings: Settings, display: StageDisplay) -> None:
        self.request, self.settings, self.display = request, settings, display
        self.library = Library(settings)
        self.found = stages.Found()
        self.limitations: list[Limitation] = []
        self.unchecked: list[Limitation] = []

    def find_papers(self) -> None:
        with self.display.stage("find papers") as advance:
            if self.request.papers:
                stages.ingest_into(self.found, [str(p) for p in self.request.papers], self.settings, self.library, None)
                advance(note=f"{len(self.found.found_by)} local")
            if self.request.arxiv:
                ids, query, problems = stages.search_arxiv(self.request.question, self.request.max_papers, self.settings)
                self.found.limitations += problems
                stages.ingest_into(self.found, ids, self.settings, self.library, f"arXiv search '{query}'")
                advance(note=f"{len(ids)} from arXiv")

    def follow_references(self, ranked: list[str]) -> None:
        """Ingest up to ``max_papers`` arXiv papers cited by the top papers, the most
        relevant first; at most ``REFERENCE_TRIES_PER_PAPER`` times as many are tried
        (some cited ids are withdrawn or mistyped)."""
        with self.display.stage("follow references") as advance:
            if not self.request.arxiv:
                return
            wanted = self.request.max_papers
            cited = stages.referenced_arxiv_ids(self.library, ranked[:FOLLOW_TOP], self.found.base_ids(),
                                                self.request.question, wanted * REFERENCE_TRIES_PER_PAPER)
            added = 0
            for arxiv_id, citing in cited.items():
                before = len(self.found.found_by)
                stages.ingest_into(self.found, [arxiv_id], self.settings, self.library, f"reference of {citing}")
                added += len(self.found.found_by) - before
                advance(note=f"{added} of {len(cited)} cited arXiv papers tried so far")
                if added >= wanted:
                    break

    def reproduce(self, mode: str) -> tuple[Reproduction | None, Path | None]:
        """The reproduction section and the results folder quantitative claims are judged on."""
        with self.display.stage("reproduction") as advance:
            reproduction, results_dir, problems = stages.run_reproduction(
                mode, self.settings, self.request.data_dir, self.request.out)
            self.limitations += problems
            advance(note=reproduction.config_name if reproduction else "none")
        return reproduction, results_dir

    def extract(self, ranked: list[str]) -> list[Claim]:
        with self.display.stage("extract claims") as advance:
            claims = stages.extract(ranked, self.request.question, self.library)
            advance(note=f"{len(claims)} claims")
        return claims

    def verify(self, claims: list[Claim], results_dir: Path | None, ledger_source: str) -> list[Verification]:
        """Verify, record every verdict in the ledger, and note what could not be checked."""
        with self.display.stage("verify claims", total=len(claims)) as advance:
            verifications = stages.verify(claims, self.library, self.settings, self.request.data_dir, results_dir,
                                          on_done=advance)
        if self.request.ledger_path:
            record_verifications(self.request.ledger_path, verifications, ledger_source, claims)
        self.unchecked = unchecked(verifications)
        return verifications

    def check_premises(self) -> list:
        with self.display.stage("check premises") as advance:
            premises, problems = stages.premises(self.request.question, self.library, self.settings)
            self.limitations += problems
            advance(note=f"{len(premises)} premises")
        return premises

    def sources(self, ranked: list[str]) -> list[Source]:
        return [source_of(self.library, paper_id, self.found.found_by[paper_id]) for paper_id in ranked]

    def all_limitations(self) -> list[Limitation]:
        """Unfound sources first, then stage problems, then each unchecked claim."""
        return self.found.limitations + self.limitations + self.unchecked

    def config(self) -> dict[str, str]:
        request = self.request
        return {
            "arxiv": f"search and one-hop references via {self.settings.arxiv_url}" if request.arxiv else "off",
            "max_papers": str(request.max_papers),
            "reproduce": request.reproduce,
            "chunk_size": f"{self.settings.chunk_size} (overlap {self.settings.chunk_overlap})",
            "llm_model": self.settings.llm_model or "none (offline, extractive)",
            "data_dir": display_path(request.data_dir or self.settings.lareqa_dir),
        }

    def build(self) -> ReportDocument:
        self.find_papers()
        ranked, _ = stages.rank_papers(self.library, self.request.question, list(self.found.found_by))
        if not ranked:
            return self.empty()
        self.follow_references(ranked)
        ranked, hits = stages.rank_papers(self.library, self.request.question, list(self.found.found_by))
        reproduction, results_dir = self.reproduce(self.request.reproduce)
        claims = self.extract(ranked)
        verifications = self.verify(claims, results_dir, f"report: {self.request.question}")
        premises = self.check_premises()
        answer, method = answer_of(self.request.question, claims, verifications, hits, self.settings)
        sources = self.sources(ranked)
        return ReportDocument(
            title=self.request.question, question=self.request.question, premises=premises, answer=answer,
            answer_method=method, sources=sources, claims=claim_rows(verifications, claims),
            reproduction=reproduction, limitations=self.all_limitations(),
            provenance=build_provenance(self.settings, self.request.command, self.config(), sources, reproduction,
                                        self.library),
        )

    def empty(self) -> ReportDocument:
        """The report for a question no paper matched: it says so, and why."""
        where = ", ".join(filter(None, ["arXiv" if self.request.arxiv else "", *map(str, self.request.papers)]))
        limitations = self.found.limitations + [
            Limitation(what="No matching papers", why=f"nothing found for the question in {where or 'no source (pass --papers or --arxiv)'}")]
        return ReportDocument(
            title=self.request.question, question=self.request.question, answer_method="none",
            limitations=limitations,
            provenance=build_provenance(self.settings, self.request.command, self.config(), [], None, self.library),
        )


def build_report(request: ReportRequest, settings: Settings, progress: bool = True) -> ReportDocument:
    with StageDisplay(enabled=progress) as display:
        return ReportBuilder(request, settings, display).build()
