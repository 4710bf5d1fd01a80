"""A local arXiv look-alike: the Atom query API and PDFs on 127.0.0.1.

The real ``arxiv`` client talks to it over HTTP, so tests exercise the same
parsing, paging and error paths as against export.arxiv.org. Feeds follow
arXiv's format (https://info.arxiv.org/help/api/user-manual.html): opensearch
header, ``<entry>`` with ``http://arxiv.org/abs/<id>v<N>`` ids, alternate and
``title="pdf"`` links (pointing back at this server), categories. As on arXiv,
an unknown well-formed id gives an empty feed and a malformed id gives HTTP 400
with an ``api/errors`` entry.

Tests can count requests (to prove caching) and queue faults: error statuses,
malformed bodies and slow answers.

    with running_arxiv_server() as server:
        server.add_paper("2408.10536v1", "Title", "Abstract ...", ["A. Author"], pdf_bytes)
        settings = Settings(home=..., arxiv_url=server.url, arxiv_delay_s=0)
"""

from __future__ import annotations

import re
import threading
import time
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

ATOM = "http://www.w3.org/2005/Atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
ARXIV = "http://arxiv.org/schemas/atom"
ET.register_namespace("", ATOM)
ET.register_namespace("opensearch", OPENSEARCH)
ET.register_namespace("arxiv", ARXIV)

API_PATH = "/api/query"
RequestKind = Literal["api", "pdf", "other"]

# Deliberately independent of synth.sources.ids, so a wrong product regex is caught.
_ID = re.compile(r"(?P<base>\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v(?P<version>\d+))?")
_FIELD_PREFIX = re.compile(r"\b(?:all|ti|abs|au|cat|co|jr|rn|id):")
_OPERATORS = {"AND", "OR", "ANDNOT"}


@dataclass
class ServedPaper:
    """One version of a paper as this server knows it."""

    base_id: str
    version: int
    title: str
    abstract: str
    authors: list[str]
    pdf: bytes
    published: datetime
    updated: datetime
    categories: list[str]

    @property
    def versioned_id(self) -> str:
        return f"{self.base_id}v{self.version}"

    def words(self) -> set[str]:
        return set(_words(" ".join([self.title, self.abstract, *self.authors])))


@dataclass
class RequestRecord:
    kind: RequestKind
    path: str
    query: dict[str, str]
    at: float = field(metadata={"doc": "time.monotonic() on arrival"})


@dataclass
class _Fault:
    """What to do instead of (or before) the normal answer to one request."""

    status: int | None = None
    body: bytes | None = None
    stall_s: float = 0.0
    retry_after_s: int | None = None
    drip_interval_s: float = 0.0
    cut_at: int | None = None
    declare_length: bool = True


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _query_terms(search_query: str) -> set[str]:
    """Words of an arXiv query, without field prefixes (``ti:``) and operators."""
    kept = [word for word in _FIELD_PREFIX.sub(" ", search_query).split() if word not in _OPERATORS]
    return set(_words(" ".join(kept)))


class ArxivServer:
    """Threaded HTTP server with arXiv's query API at ``url`` and PDFs at ``/pdf/<id>``."""

    def __init__(self) -> None:
        self._versions: dict[str, list[ServedPaper]] = {}
        self._faults: dict[RequestKind, deque[_Fault]] = {"api": deque(), "pdf": deque(), "other": deque()}
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self.requests: list[RequestRecord] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="arxiv-server", daemon=True)

    # --- lifecycle ----------------------------------------------------------

    def start(self) -> ArxivServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self._closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        """The query endpoint: pass as ``Settings(arxiv_url=...)`` / SYNTH_ARXIV_URL."""
        return self.base_url + API_PATH

    def pdf_url(self, versioned_id: str) -> str:
        return f"{self.base_url}/pdf/{versioned_id}"

    # --- content ------------------------------------------------------------

    def add_paper(
        self,
        arxiv_id: str,
        title: str,
        abstract: str = "",
        authors: Sequence[str] = ("A. Author",),
        pdf: bytes = b"",
        published: datetime | None = None,
        categories: Sequence[str] = ("cs.CL",),
    ) -> ServedPaper:
        """Register one version (``2408.10536v2``; no version = v1). The feed lists
        the highest registered version for an unversioned id and for searches."""
        match = _ID.fullmatch(arxiv_id)
        if match is None:
            raise ValueError(f"not an arXiv id: {arxiv_id!r}")
        moment = published or datetime(2024, 8, 20, 4, 15, 49, tzinfo=timezone.utc)
        paper = ServedPaper(
            base_id=match.group("base"),
            version=int(match.group("version") or 1),
            title=title,
            abstract=abstract,
            authors=list(authors),
            pdf=pdf,
            published=moment,
            updated=moment,
            categories=list(categories),
        )
        with self._lock:
            versions = self._versions.setdefault(paper.base_id, [])
            versions[:] = sorted([v for v in versions if v.version != paper.version] + [paper],
                                 key=lambda v: v.version)
        return paper

    # --- faults and request log -----------------------------------------------

    def fail_next(self, times: int = 1, status: int = 503, kind: RequestKind = "api",
                  retry_after_s: int | None = None) -> None:
        """Answer the next ``times`` requests of ``kind`` with ``status`` (e.g. 503, 429),
        with a ``Retry-After`` header if ``retry_after_s`` is given."""
        self._queue(kind, times, _Fault(status=status, retry_after_s=retry_after_s))

    def send_malformed_next(self, times: int = 1, body: bytes = b"<feed><entry><id>http://arx",
                            kind: RequestKind = "api") -> None:
        """Answer 200 with ``body`` (a truncated feed by default) instead of a feed."""
        self._queue(kind, times, _Fault(body=body))

    def stall_next(self, times: int = 1, seconds: float = 1.0, kind: RequestKind = "api") -> None:
        """Wait ``seconds`` before answering normally (to trip client timeouts)."""
        self._queue(kind, times, _Fault(stall_s=seconds))

    def drip_next(self, times: int = 1, interval_s: float = 0.2, kind: RequestKind = "pdf") -> None:
        """Answer normally but send the body one byte every ``interval_s`` seconds
        (each read is quick, so only a total deadline stops the client)."""
        self._queue(kind, times, _Fault(drip_interval_s=interval_s))

    def truncate_next(self, times: int = 1, keep_bytes: int = 1000, declare_length: bool = True,
                      kind: RequestKind = "pdf") -> None:
        """Send only the first ``keep_bytes`` of the body, then close the connection;
        with ``declare_length`` the Content-Length still names the full size, else
        there is none (the close is the only end-of-body signal)."""
        self._queue(kind, times, _Fault(cut_at=keep_bytes, declare_length=declare_length))

    def _queue(self, kind: RequestKind, times: int, fault: _Fault) -> None:
        with self._lock:
            self._faults[kind].extend([fault] * times)

    def _next_fault(self, kind: RequestKind) -> _Fault | None:
        with self._lock:
            return self._faults[kind].popleft() if self._faults[kind] else None

    def request_count(self, kind: RequestKind | None = None) -> int:
        with self._lock:
            return sum(1 for record in self.requests if kind in (None, record.kind))

    def request_times(self, kind: RequestKind | None = None) -> list[float]:
        with self._lock:
            return [record.at for record in self.requests if kind in (None, record.kind)]

    def _record(self, record: RequestRecord) -> None:
        with self._lock:
            self.requests.append(record)

    # --- answers ----------------------------------------------------------------

    def _latest(self, base_id: str) -> ServedPaper | None:
        versions = self._versions.get(base_id)
        return versions[-1] if versions else None

    def _lookup(self, arxiv_id: str) -> ServedPaper | None:
        match = _ID.fullmatch(arxiv_id)
        if match is None:
            return None
        if match.group("version") is None:
            return self._latest(match.group("base"))
        wanted = int(match.group("version"))
        return next((v for v in self._versions.get(match.group("base"), []) if v.version == wanted), None)

    def _search(self, search_query: str) -> list[ServedPaper]:
        terms = _query_terms(search_query)
        latest = [versions[-1] for versions in self._versions.values() if versions]
        scored = [(len(terms & paper.words()), paper) for paper in latest]
        ranked = sorted((item for item in scored if item[0] > 0), key=lambda item: (-item[0], item[1].base_id))
        return [paper for _, paper in ranked]

    def answer_query(self, query: dict[str, str]) -> tuple[int, bytes]:
        """(status, Atom body) for one API request, following arXiv's semantics:
        ``id_list`` restricts, ``search_query`` filters, ``start``/``max_results`` page."""
        ids = [part for part in query.get("id_list", "").split(",") if part]
        bad_ids = [part for part in ids if _ID.fullmatch(part) is None]
        if bad_ids:
            return 400, self._error_feed(query, f"incorrect_id_format_for_{bad_ids[0]}",
                                         f"incorrect id format for {bad_ids[0]}")
        with self._lock:
            if ids:
                matches = [paper for paper in map(self._lookup, ids) if paper is not None]
                if query.get("search_query"):
                    allowed = {paper.base_id for paper in self._search(query["search_query"])}
                    matches = [paper for paper in matches if paper.base_id in allowed]
            else:
                matches = self._search(query.get("search_query", ""))
        start = int(query.get("start", "0") or 0)
        max_results = int(query.get("max_results", "10") or 10)
        page = matches[start : start + max_results]
        return 200, self._feed(query, page, total=len(matches), start=start, per_page=max_results)

    def _feed_root(self, query: dict[str, str], total: int, start: int, per_page: int) -> ET.Element:
        root = ET.Element(f"{{{ATOM}}}feed")
        query_text = "&".join(f"{key}={value}" for key, value in query.items())
        ET.SubElement(root, f"{{{ATOM}}}link", href=f"{self.url}?{query_text}",
                      rel="self", type="application/atom+xml")
        ET.SubElement(root, f"{{{ATOM}}}title", type="html").text = f"ArXiv Query: {query_text}"
        ET.SubElement(root, f"{{{ATOM}}}id").text = f"{self.base_url}/api/{abs(hash(query_text))}"
        ET.SubElement(root, f"{{{ATOM}}}updated").text = _timestamp(datetime.now(timezone.utc))
        ET.SubElement(root, f"{{{OPENSEARCH}}}totalResults").text = str(total)
        ET.SubElement(root, f"{{{OPENSEARCH}}}startIndex").text = str(start)
        ET.SubElement(root, f"{{{OPENSEARCH}}}itemsPerPage").text = str(per_page)
        return root

    def _feed(self, query: dict[str, str], papers: list[ServedPaper], total: int, start: int,
              per_page: int) -> bytes:
        root = self._feed_root(query, total, start, per_page)
        for paper in papers:
            self._add_entry(root, paper)
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)

    def _add_entry(self, root: ET.Element, paper: ServedPaper) -> None:
        entry = ET.SubElement(root, f"{{{ATOM}}}entry")
        vid = paper.versioned_id
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"http://arxiv.org/abs/{vid}"
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _timestamp(paper.updated)
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _timestamp(paper.published)
        ET.SubElement(entry, f"{{{ATOM}}}title").text = paper.title
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = f"  {paper.abstract}\n"
        for name in paper.authors:
            ET.SubElement(ET.SubElement(entry, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = name
        ET.SubElement(entry, f"{{{ATOM}}}link", href=f"{self.base_url}/abs/{vid}", rel="alternate",
                      type="text/html")
        ET.SubElement(entry, f"{{{ATOM}}}link", title="pdf", href=self.pdf_url(vid), rel="related",
                      type="application/pdf")
        ET.SubElement(entry, f"{{{ARXIV}}}primary_category", term=paper.categories[0], scheme=ARXIV)
        for category in paper.categories:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=category, scheme=ARXIV)

    def _error_feed(self, query: dict[str, str], code: str, message: str) -> bytes:
        root = self._feed_root(query, total=1, start=0, per_page=1)
        entry = ET.SubElement(root, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"http://arxiv.org/api/errors#{code}"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = "Error"
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = message
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _timestamp(datetime.now(timezone.utc))
        ET.SubElement(ET.SubElement(entry, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = "arXiv api core"
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)

    def answer_pdf(self, path: str) -> tuple[int, bytes]:
        arxiv_id = unquote(path.removeprefix("/pdf/")).removesuffix(".pdf")
        with self._lock:
            paper = self._lookup(arxiv_id)
        if paper is None:
            return 404, b"<html><body>Article not found</body></html>"
        return 200, paper.pdf


def _handler_for(server: ArxivServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            kind: RequestKind = "api" if parts.path == API_PATH else "pdf" if parts.path.startswith("/pdf/") else "other"
            query = {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
            server._record(RequestRecord(kind, parts.path, query, time.monotonic()))
            fault = server._next_fault(kind)
            if fault is not None and fault.stall_s:
                server._closing.wait(fault.stall_s)
            if fault is not None and fault.status is not None:
                extra = {} if fault.retry_after_s is None else {"Retry-After": str(fault.retry_after_s)}
                self._send(fault.status, b"<html><body>Service unavailable</body></html>", "text/html", extra)
            elif fault is not None and fault.body is not None:
                self._send(200, fault.body, "application/atom+xml; charset=utf-8")
            elif kind == "api":
                self._send(*server.answer_query(query), "application/atom+xml; charset=utf-8", fault=fault)
            elif kind == "pdf":
                status, body = server.answer_pdf(parts.path)
                self._send(status, body, "application/pdf" if status == 200 else "text/html", fault=fault)
            else:
                self._send(404, b"not found", "text/plain")

        def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None,
                  fault: _Fault | None = None) -> None:
            fault = fault or _Fault()
            try:
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", content_type)
                if fault.declare_length:
                    self.send_header("Content-Length", str(len(body)))
                if fault.cut_at is not None or not fault.declare_length:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                self._write_body(body[: fault.cut_at], fault.drip_interval_s)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test); nothing to answer

        def _write_body(self, body: bytes, drip_interval_s: float) -> None:
            if not drip_interval_s:
                self.wfile.write(body)
                return
            for index in range(len(body)):
                if server._closing.wait(drip_interval_s):
                    return
                self.wfile.write(body[index : index + 1])
                self.wfile.flush()

    return Handler


@contextmanager
def running_arxiv_server() -> Iterator[ArxivServer]:
    """Start a server on a free loopback port; stop it on exit."""
    server = ArxivServer().start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def arxiv_server() -> Iterator[ArxivServer]:
    """A running, empty server; populate with ``add_paper`` or ``serve_corpus``."""
    with running_arxiv_server() as server:
        yield server


def serve_corpus(server: ArxivServer, pdf_dir: Path, papers: Iterable | None = None) -> dict[str, Path]:
    """Render corpus papers (default: all of ``bench.corpus.content.CORPUS``) to PDFs in
    ``pdf_dir`` and serve each at every version up to its own (``v2`` -> v1 and v2).
    Returns versioned id -> rendered PDF path."""
    from bench.corpus.content import CORPUS
    from bench.corpus.pdf import write_paper_pdf

    rendered: dict[str, Path] = {}
    for paper in CORPUS if papers is None else papers:
        pdf_path = write_paper_pdf(paper, pdf_dir)
        pdf = pdf_path.read_bytes()
        published = datetime(paper.year, 1, 15, 12, 0, 0, tzinfo=timezone.utc)
        latest = int(paper.version.removeprefix("v"))
        for version in range(1, latest + 1):
            server.add_paper(f"{paper.arxiv_id}v{version}", paper.title, paper.abstract,
                             list(paper.authors), pdf, published)
        rendered[paper.versioned_id] = pdf_path
    return rendered
