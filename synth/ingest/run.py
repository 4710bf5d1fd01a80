"""Ingest orchestration: sources (PDF files, folders, arXiv ids) -> parsed, chunked, indexed.

Each source becomes one or more jobs (one per PDF); each job is parsed,
chunked and added to the library on its own, so one bad input is recorded with
its one-line reason and the others go on. A paper whose id and content hash
are already in the library is skipped. The library's write order makes a killed
run safe: the next run redoes the paper that was in flight. With several local
PDFs, worker processes parse the next ones while this one embeds the current
one's chunks on the cores they leave (synth.ingest.ahead); papers are still
indexed in order.

A local PDF whose arXiv stamp or file name gives an arXiv id takes its title,
authors, year, abstract and url from the arXiv entry when the caller allows
arXiv (``arxiv_metadata``), since the first page's layout is only a guess. The
layout's values stay when arXiv does not know the id, or cannot be asked: then
one warning says so and the rest of the run asks arXiv no more.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock
from pydantic import BaseModel, Field

from synth.console import console, stage, styled
from synth.console import progress as progress_lines
from synth.errors import IngestError, SourceError, StoreError, SynthError
from synth.files import file_sha256, write_text_atomic, writing
from synth.index.embeddings import beside_busy_cores
from synth.index.library import Library
from synth.ingest import chunk_paper, parse_pdf
from synth.ingest.ahead import PARSE_AHEAD_MIN_PAPERS, ParseAhead
from synth.ingest.corpus import document_paper, is_corpus_file, parse_document, read_documents
from synth.ingest.pdf import PYPDF_PROBLEMS, pypdf_problems_line
from synth.ingest.version import parser_fingerprint
from synth.records import Paper, ParsedPaper
from synth.settings import Settings
from synth.sources import ArxivClient, ArxivEntry, expand_local_source, source_kind
from synth.sources.arxiv import UnknownArxivId

LOCAL_IDS_FILE = "local_ids.json"
MAX_SLUG = 60
ID_HASH_CHARS = 8
"""Hex digits of the content hash that tell apart two files with the same stem."""
PARSE_AHEAD_DEPTH = 16
"""Papers in flight per parse worker. Parsing takes less time than embedding (28 s against 39 s for the
20 benchmark papers on 2 cores), so a deep queue lets the workers finish first and hand their cores
back to the embedding (``beside_busy_cores``); the parsed text of 16 papers is a few MB to hold."""


class SourceOutcome(BaseModel):
    """What happened to one input (a PDF, an arXiv id, or a source that expanded to nothing)."""

    source: str
    paper_id: str | None = None
    reason: str = ""


class IngestSummary(BaseModel):
    ingested: list[SourceOutcome] = Field(default_factory=list)
    skipped: list[SourceOutcome] = Field(default_factory=list)
    failed: list[SourceOutcome] = Field(default_factory=list)

    def line(self) -> str:
        return f"{len(self.ingested)} papers ingested, {len(self.skipped)} skipped, {len(self.failed)} failed"


@dataclass(frozen=True)
class Job:
    """One paper to ingest: ``describe`` fetches or hashes it and returns its library record,
    ``parse``, when given, turns that record into the parsed paper (a corpus document); else its PDF is parsed."""

    source: str
    describe: Callable[[], Paper]
    parse: Callable[[Paper], ParsedPaper] | None = None
    local_pdf: bool = False
    """A PDF on disk: cheap to describe, so it may be described and parsed ahead (synth.ingest.ahead)."""


# --- local paper ids ----------------------------------------------------------


def slugify(stem: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:MAX_SLUG].strip("-")
    return slug or "paper"


class LocalIds:
    """Readable paper ids for local files, stable per path.

    The id is the slug of the file stem (``My Paper.pdf`` -> ``my-paper``); a
    different file whose slug is already taken gets the slug plus a short hash
    of its content (``paper-3f2a9c1d``), so two folders holding ``paper.pdf``
    never share an id, whatever order or process ingests them. The path -> id
    map is kept under SYNTH_HOME so that a changed file keeps its id and
    replaces its old chunks; every change re-reads the map under a file lock,
    so concurrent ingests on one home add to it instead of overwriting it.
    A file moved to another path (or its folder renamed) keeps its id too: a
    recorded path that no longer exists hands its id to a new path holding the
    same bytes under the same name, so the paper is not ingested a second time
    and claims about it still find it. Different bytes never take over an id
    (the paper stored under it stays in the library).
    """

    def __init__(self, settings: Settings, holds: Callable[[str, str], bool]) -> None:
        """``holds(paper_id, sha256)``: the library stores that file version under that id (Library.has)."""
        self.path = settings.home / LOCAL_IDS_FILE
        self.lock = FileLock(f"{self.path}.lock")
        self.holds = holds

    def id_for(self, pdf: Path) -> str:
        key = str(pdf.resolve())
        with writing(self.path), self.lock:
            ids = self._read()
            if key not in ids:
                moved_from = self._moved_from(slugify(pdf.stem), ids, pdf)
                if moved_from:
                    ids[key] = ids.pop(moved_from)
                else:
                    ids[key] = self._unused(slugify(pdf.stem), set(ids.values()), pdf)
                write_text_atomic(self.path, json.dumps(ids, indent=1, sort_keys=True))
        return ids[key]

    def _moved_from(self, slug: str, ids: dict[str, str], pdf: Path) -> str | None:
        """The recorded path, gone from disk, whose id holds these bytes under this name (None: no such path)."""
        named = sorted(path for path, paper_id in ids.items() if paper_id == slug or paper_id.startswith(f"{slug}-"))
        vanished = [path for path in named if not Path(path).exists()]
        sha256 = content_hash(pdf) if vanished else ""
        return next((path for path in vanished if self.holds(ids[path], sha256)), None)

    def _read(self) -> dict[str, str]:
        try:
            return json.loads(self.path.read_text()) if self.path.exists() else {}
        except ValueError as error:
            raise StoreError(f"{self.path} is unreadable ({error}); delete it (local papers get new ids)") from error

    @staticmethod
    def _unused(slug: str, taken: set[str], pdf: Path) -> str:
        if slug not in taken:
            return slug
        hashed = f"{slug}-{content_hash(pdf)[:ID_HASH_CHARS]}"
        candidate, number = hashed, 1
        while candidate in taken:  # the same bytes at another path already hold the hashed id
            number += 1
            candidate = f"{hashed}-{number}"
        return candidate


def content_hash(pdf: Path) -> str:
    try:
        return file_sha256(pdf)
    except OSError as error:
        raise SourceError(f"{pdf}: cannot read the file ({error.strerror}); check its permissions") from error


def local_paper(pdf: Path, paper_id: str) -> Paper:
    """The record of a user PDF before parsing (title and authors come from the parser)."""
    sha256 = content_hash(pdf)
    return Paper(
        paper_id=paper_id,
        title=pdf.stem,
        source="local",
        pdf_path=str(pdf.resolve()),
        sha256=sha256,
        found_by="user PDF",
    )


def entry_fields(entry: ArxivEntry) -> dict:
    """The record fields an arXiv entry gives a local PDF; an empty one keeps the layout's value."""
    fields = {"title": entry.title, "authors": entry.authors, "year": entry.year,
              "abstract": entry.abstract, "url": entry.abs_url}
    return {name: value for name, value in fields.items() if value}


# --- orchestration ------------------------------------------------------------


class Ingester:
    """Turns sources into jobs and runs them, recording each outcome."""

    def __init__(self, settings: Settings, library: Library, found_by: str | None,
                 arxiv_metadata: bool = False) -> None:
        self.settings = settings
        self.library = library
        self.found_by = found_by
        self.arxiv_metadata = arxiv_metadata
        self.local_ids = LocalIds(settings, library.has)
        self.summary = IngestSummary()
        self.ahead: ParseAhead | None = None
        self._described: dict[str, Paper] = {}
        self._arxiv: ArxivClient | None = None

    @property
    def arxiv(self) -> ArxivClient:
        if self._arxiv is None:
            self._arxiv = ArxivClient(self.settings)
        return self._arxiv

    def close(self) -> None:
        if self._arxiv is not None:
            self._arxiv.close()

    def jobs(self, sources: list[str]) -> list[Job]:
        jobs: list[Job] = []
        for source in sources:
            if source_kind(source) == "arxiv":
                jobs.append(Job(source, lambda arxiv_id=source: self.arxiv_paper(arxiv_id)))
                continue
            try:
                if is_corpus_file(Path(source)):
                    jobs += self.corpus_jobs(Path(source))
                    continue
                pdfs = expand_local_source(source)
            except SynthError as error:
                self.summary.failed.append(SourceOutcome(source=source, reason=str(error)))
                continue
            jobs += [Job(str(pdf), lambda pdf=pdf: local_paper(pdf, self.local_ids.id_for(pdf)), local_pdf=True)
                     for pdf in pdfs]
        return jobs

    def corpus_jobs(self, path: Path) -> list[Job]:
        """One job per document of a jsonl corpus; a .txt / .md file is one document with a path-stable id."""
        documents = read_documents(path)
        single = len(documents) == 1 and path.suffix.lower() != ".jsonl"
        jobs = []
        for document in documents:
            paper_id = self.local_ids.id_for(path) if single else slugify(f"{path.stem}-{document.doc_id}")
            paper = document_paper(path, document, paper_id)
            jobs.append(Job(f"{path}#{document.doc_id}", lambda paper=paper: paper,
                            lambda paper, document=document: parse_document(document, paper)))
        return jobs

    def arxiv_paper(self, arxiv_id: str) -> Paper:
        entry = self.arxiv.fetch(arxiv_id)
        return self.arxiv.paper(entry, found_by=self.found_by or f"arXiv id {arxiv_id}")

    def parse(self, paper: Paper) -> ParsedPaper:
        """Parse the paper's PDF (or take the parse a worker made ahead). A cached arXiv PDF
        that fails to parse is dropped and downloaded once more, so a bad copy cannot stay
        in the cache for good."""
        try:
            return (self.ahead and self.ahead.parsed(paper)) or parse_pdf(Path(paper.pdf_path), paper)
        except IngestError:
            if paper.source != "arxiv" or not self.arxiv.drop_cached_pdf(paper.paper_id):
                raise
        fresh = self.arxiv.paper(self.arxiv.fetch(paper.paper_id), found_by=paper.found_by)
        return parse_pdf(Path(fresh.pdf_path), fresh)

    def with_arxiv_metadata(self, parsed: ParsedPaper) -> ParsedPaper:
        """``parsed`` with its arXiv entry's title, authors, year, abstract and url, for a
        local PDF with an arXiv id when arXiv may be asked and knows the id; else unchanged.

        The record keeps the id read from the PDF (an unversioned file name gets
        the latest version's metadata, the bytes may be an older version's)."""
        paper = parsed.paper
        if not (self.arxiv_metadata and paper.source == "local" and paper.arxiv_id):
            return parsed
        entry = self.arxiv_entry(paper.arxiv_id)
        if entry is None:
            return parsed
        return parsed.model_copy(update={"paper": paper.model_copy(update=entry_fields(entry))})

    def arxiv_entry(self, arxiv_id: str) -> ArxivEntry | None:
        """The entry for ``arxiv_id``, or None when arXiv has none or cannot be asked; the
        first failure to ask is the run's one warning, and turns arXiv metadata off for it."""
        try:
            return self.arxiv.fetch(arxiv_id)
        except UnknownArxivId:
            return None
        except SourceError as error:
            self.arxiv_metadata = False
            console.print(styled("warning:", "yellow", f"{error}; local PDFs keep the title, authors and year "
                                                       "read from their first page (--no-arxiv skips arXiv)"))
            return None

    def prefetch(self, upcoming: list[Job]) -> None:
        """Describe the local PDFs of ``upcoming`` and hand the changed ones to the parse workers.

        A file that cannot be described is left for ``run``, which records why.
        """
        for job in upcoming:
            if self.ahead is None or not job.local_pdf or job.source in self._described:
                continue
            try:
                paper = job.describe()
            except Exception:  # noqa: BLE001 - run() describes it again and records the failure
                continue
            self._described[job.source] = paper
            if not self.unchanged(paper):
                self.ahead.submit(paper)

    def unchanged(self, paper: Paper) -> bool:
        """The library holds this file, parsed by this version of the ingest code."""
        return self.library.has(paper.paper_id, paper.sha256, parsed_by=parser_fingerprint())

    def run(self, job: Job) -> None:
        """Ingest one paper; any failure but an unusable store is recorded and the run goes on.

        Errors that are not SynthError (a PDF that trips the parser in a way
        nobody foresaw) are recorded too, with their type, so one odd file
        cannot stop a folder of good ones.
        """
        PYPDF_PROBLEMS.take()  # what was logged before this paper is not about it
        try:
            paper = self._described.pop(job.source, None) or job.describe()
            if self.unchanged(paper):
                self.summary.skipped.append(
                    SourceOutcome(source=job.source, paper_id=paper.paper_id, reason="unchanged since last ingest")
                )
                return
            parsed = self.with_arxiv_metadata(job.parse(paper) if job.parse else self.parse(paper))
            parsed = parsed.model_copy(update={"paper": parsed.paper.model_copy(update={"parsed_by": parser_fingerprint()})})
            chunks = chunk_paper(parsed, self.settings)
            if not chunks:
                raise IngestError(
                    f"{job.source}: no text left to index once the lines repeated on every page (running heads) "
                    "are removed; check that the file holds the paper's text"
                )
            with beside_busy_cores(self.ahead.busy_workers() if self.ahead else 0):
                self.library.add(parsed, chunks)
        except StoreError:
            raise  # the store is unusable: every later paper would fail the same way
        except SynthError as error:
            self.summary.failed.append(SourceOutcome(source=job.source, reason=str(error)))
            return
        except Exception as error:  # noqa: BLE001  (see docstring)
            reason = f"{job.source}: unexpected {type(error).__name__} ({error}); please report this file"
            self.summary.failed.append(SourceOutcome(source=job.source, reason=reason))
            return
        self.summary.ingested.append(SourceOutcome(source=job.source, paper_id=paper.paper_id))
        problems = pypdf_problems_line(job.source)
        if problems:
            console.print(styled("warning:", "yellow", problems))


def ingest_sources(
    sources: list[str],
    settings: Settings,
    library: Library,
    progress: bool = True,
    found_by: str | None = None,
    arxiv_metadata: bool = False,
) -> IngestSummary:
    """Ingest PDF files, folders of PDFs and arXiv ids; see the module docstring.

    ``found_by`` overrides the provenance recorded for arXiv papers (e.g. the
    search that found them). ``arxiv_metadata`` lets local PDFs with an arXiv
    id ask arXiv for their metadata; off, local PDFs never touch the network.
    Raises only StoreError (unusable index); every other problem is a
    ``failed`` entry of the summary.
    """
    ingester = Ingester(settings, library, found_by, arxiv_metadata)
    try:
        with library.exclusive(on_wait=lambda: waiting_for_writer(settings)):
            jobs = ingester.jobs(sources)
            workers = settings.parse_workers if sum(job.local_pdf for job in jobs) >= PARSE_AHEAD_MIN_PAPERS else 0
            with progress_lines("ingest", len(jobs), enabled=progress) as advance, ParseAhead(workers) as ahead:
                ingester.ahead = ahead if workers else None
                for index, job in enumerate(jobs):
                    ingester.prefetch(jobs[index: index + 1 + PARSE_AHEAD_DEPTH * workers])
                    advance(0, note=Path(job.source).name)
                    ingester.run(job)
                    advance()
            with stage("BM25 index", enabled=progress):
                library.refresh()
    finally:
        ingester.close()
    return ingester.summary


def waiting_for_writer(settings: Settings) -> None:
    console.print(f"another synth run is writing to {settings.home}; waiting for it to finish", markup=False, highlight=False)

