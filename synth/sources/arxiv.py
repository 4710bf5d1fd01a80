"""arXiv search, fetch by id and PDF download, with a polite pace, retries and a cache.

Queries go through the ``arxiv`` package pointed at ``settings.arxiv_url``;
PDFs come over httpx from each entry's ``pdf`` link. The package's own retry
loop re-asks at once and has no timeout, so it is switched off (``num_retries=0``)
and replaced here by exponential backoff on 429/5xx/timeouts, a request timeout,
and a per-host pause (see ``throttle.py``).
"""

from __future__ import annotations

import logging
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import IO, TypeVar

import arxiv
import httpx
import requests
from pydantic import BaseModel, Field, ValidationError
from urllib3.exceptions import NewConnectionError

from synth.errors import SourceError
from synth.files import atomic_file, file_sha256
from synth.records import Paper
from synth.settings import Settings
from synth.sources.cache import PDF_MAGIC, PDF_TRAILER_WINDOW, ArxivCache, has_pdf_trailer
from synth.sources.deadline import DeadlineExceeded, deadline
from synth.sources.ids import is_arxiv_id, normalize_arxiv_id, split_version
from synth.sources.throttle import throttled

__all__ = ["ArxivClient", "ArxivEntry", "UnknownArxivId", "entry_to_paper", "is_arxiv_id", "normalize_arxiv_id"]

log = logging.getLogger(__name__)
T = TypeVar("T")

_ATOM_FEED_TAG = "{http://www.w3.org/2005/Atom}feed"
_PAGE_SIZE_LIMIT = 100
_RETRY_AFTER_CAP_S = 120.0
DEADLINE_TIMEOUTS = 10
"""A whole request (query or PDF download) may take this many read timeouts
(SYNTH_ARXIV_TIMEOUT_S) in all: 300 s by default, so a server dripping bytes
cannot hold synth forever, while a large PDF on a slow line still arrives."""


class ArxivEntry(BaseModel):
    """Metadata of one arXiv paper version, as cached in ``<cache>/arxiv/meta``."""

    arxiv_id: str = Field(description="versioned id, e.g. 2408.10536v1 or hep-th/9901001v2")
    base_id: str = Field(description="id without version")
    version: int
    title: str
    authors: list[str] = Field(default_factory=list)
    year: int
    abstract: str = ""
    pdf_url: str
    abs_url: str
    published: datetime
    updated: datetime
    primary_category: str = ""
    categories: list[str] = Field(default_factory=list)

    @classmethod
    def from_result(cls, result: arxiv.Result) -> ArxivEntry | None:
        """None for entries that are not papers (arXiv's ``api/errors`` entries)."""
        short_id = result.get_short_id()
        if not is_arxiv_id(short_id):
            return None
        base_id, version = split_version(short_id)
        if version is None:
            return None
        return cls(
            arxiv_id=short_id,
            base_id=base_id,
            version=version,
            title=result.title.strip(),
            authors=[author.name for author in result.authors],
            year=result.published.year,
            abstract=" ".join(result.summary.split()),
            pdf_url=result.pdf_url or result.entry_id.replace("/abs/", "/pdf/"),
            abs_url=result.entry_id,
            published=result.published,
            updated=result.updated,
            primary_category=result.primary_category,
            categories=list(result.categories),
        )


def entry_to_paper(entry: ArxivEntry, pdf_path: Path, found_by: str) -> Paper:
    """The library record for a downloaded arXiv PDF (pages are filled by ingest)."""
    return Paper(
        paper_id=entry.arxiv_id,
        title=entry.title,
        authors=entry.authors,
        year=entry.year,
        source="arxiv",
        pdf_path=str(pdf_path),
        sha256=file_sha256(pdf_path),
        abstract=entry.abstract,
        url=entry.abs_url,
        found_by=found_by,
    )


class UnknownArxivId(SourceError):
    """arXiv answered, and has no paper (or no such version) under the id: unlike
    an unreachable arXiv, asking again for other ids is worth it."""


class _TransientFailure(Exception):
    """A failure worth retrying. ``problem`` says what went wrong (shown with
    each retry), ``hint`` what to do once every try failed; ``wait_at_least_s``
    carries the server's Retry-After, if it sent one."""

    def __init__(self, problem: str, hint: str = "try again later or ingest local PDFs",
                 wait_at_least_s: float = 0.0) -> None:
        super().__init__(problem)
        self.problem = problem
        self.hint = hint
        self.wait_at_least_s = wait_at_least_s

    def final_message(self, tries: int) -> str:
        where = f" on all {tries} tries" if tries > 1 else ""
        return f"{self.problem}{where}; {self.hint}"


class _MalformedFeed(Exception):
    pass


def _is_transient_status(status: int) -> bool:
    return status == 429 or status >= 500


def _retry_after_s(headers: Mapping[str, str]) -> float:
    """Seconds from a numeric Retry-After header (capped), else 0."""
    try:
        return min(max(float(headers.get("retry-after", "0")), 0.0), _RETRY_AFTER_CAP_S)
    except ValueError:
        return 0.0


def _is_atom_feed(body: bytes) -> bool:
    """Strict check: arxiv's own parser recovers from broken XML and HTML pages."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return False
    return root.tag == _ATOM_FEED_TAG


def _never_connected(error: requests.exceptions.ConnectionError) -> bool:
    """Refused, unresolvable or connect timeout: the host is not there, so retrying
    would only delay the message."""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return True
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, NewConnectionError)


UNREACHABLE_HINT = "ingest local PDFs or set SYNTH_ARXIV_URL"


def unreachable_message(url: str) -> str:
    return f"arXiv unreachable at {url}; {UNREACHABLE_HINT}"


def _unreachable_failure(url: str) -> _TransientFailure:
    return _TransientFailure(f"arXiv unreachable at {url}", UNREACHABLE_HINT)


def _truncated(entry: ArxivEntry, detail: str) -> _TransientFailure:
    return _TransientFailure(
        f"download of arXiv {entry.arxiv_id} from {entry.pdf_url} was truncated ({detail})",
        "try again later, or download it yourself and ingest the file",
    )


def _receive_pdf(entry: ArxivEntry, response: httpx.Response, out: IO[bytes]) -> None:
    """Copy the body to ``out``; raise unless it is a PDF that arrived whole: as
    many bytes as Content-Length said, or (without one) ending in a PDF trailer."""
    received, head, tail = 0, b"", b""
    for block in response.iter_bytes():
        received += len(block)
        head = (head + block[: len(PDF_MAGIC)])[: len(PDF_MAGIC)]
        tail = (tail + block)[-PDF_TRAILER_WINDOW:]
        out.write(block)
    if not head.startswith(PDF_MAGIC):
        content_type = response.headers.get("content-type", "unknown type")
        raise SourceError(
            f"arXiv sent no PDF for {entry.arxiv_id} at {entry.pdf_url} (got {content_type}); "
            "try again later or download it yourself and ingest the file"
        )
    expected = response.headers.get("content-length")
    if expected is not None and expected.isdigit() and response.num_bytes_downloaded < int(expected):
        raise _truncated(entry, f"{response.num_bytes_downloaded} of {expected} bytes arrived")
    if not has_pdf_trailer(tail):
        raise _truncated(entry, f"{received} bytes arrived without the PDF's closing %%EOF")


class _ThrottledSession(requests.Session):
    """The session the ``arxiv`` package sends through: adds the pause, a timeout,
    and keeps the last answer (for the strict feed check and Retry-After)."""

    def __init__(self, delay_s: float, timeout_s: float, deadline_s: float) -> None:
        super().__init__()
        self.delay_s = delay_s
        self.timeout_s = timeout_s
        self.deadline_s = deadline_s
        self.last_body = b""
        self.last_headers: Mapping[str, str] = {}

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        kwargs.setdefault("timeout", self.timeout_s)
        with throttled(url, self.delay_s), deadline(self.deadline_s):
            response = super().request(method, url, *args, **kwargs)
        self.last_body = response.content
        self.last_headers = response.headers
        return response


class _EndpointClient(arxiv.Client):
    """``arxiv.Client`` aimed at a configurable endpoint, without its own retries."""

    def __init__(self, endpoint: str, session: _ThrottledSession) -> None:
        super().__init__(page_size=_PAGE_SIZE_LIMIT, delay_seconds=0.0, num_retries=0)
        escaped = endpoint.replace("{", "{{").replace("}", "}}")
        self.query_url_format = escaped + ("&{}" if "?" in endpoint else "?{}")
        self._session = session

    def _parse_feed(self, url: str, first_page: bool = True, _try_index: int = 0):
        feed = super()._parse_feed(url, first_page=first_page, _try_index=_try_index)
        if feed.malformed or not _is_atom_feed(self._session.last_body):
            raise _MalformedFeed(url)
        return feed


class ArxivClient:
    """Search arXiv, fetch entries by id and download PDFs, all cached by versioned id."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.endpoint = settings.arxiv_url
        self.cache = ArxivCache(settings.cache_dir)
        session = _ThrottledSession(settings.arxiv_delay_s, settings.arxiv_timeout_s, self.deadline_s)
        self._api = _EndpointClient(self.endpoint, session)
        self._http = httpx.Client(timeout=settings.arxiv_timeout_s, follow_redirects=True)
        self._downloaded: set[str] = set()

    @property
    def deadline_s(self) -> float:
        return self.settings.arxiv_timeout_s * DEADLINE_TIMEOUTS

    def close(self) -> None:
        self._api._session.close()
        self._http.close()

    def __enter__(self) -> ArxivClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- metadata ---------------------------------------------------------

    def search(self, query: str, max_results: int = 10) -> list[ArxivEntry]:
        """Entries matching ``query`` (arXiv query syntax, e.g. ``all:contrastive``)."""
        if not query.strip():
            raise SourceError("empty arXiv query; pass some search words")
        if max_results < 1:
            # arxiv.Search reads 0 as "no limit", which would page through everything.
            raise SourceError(f"arXiv search asked for {max_results} results; ask for at least 1")
        search = arxiv.Search(query=query, max_results=max_results)
        entries = self._entries(search, page_size=max_results)
        for entry in entries:
            self._remember(entry)
        return entries

    def fetch(self, arxiv_id: str) -> ArxivEntry:
        """The entry for ``arxiv_id``: a versioned id is served from the cache when
        present; an unversioned one asks arXiv for the latest version."""
        canonical = normalize_arxiv_id(arxiv_id)
        if canonical is None:
            raise SourceError(
                f"{arxiv_id!r} is not an arXiv id; use a form like 2408.10536, 2408.10536v2 or hep-th/9901001"
            )
        base_id, version = split_version(canonical)
        cached = self._cached_entry(canonical) if version is not None else None
        if cached is not None:
            return cached
        found = [
            entry
            for entry in self._entries(arxiv.Search(id_list=[canonical], max_results=1), page_size=1)
            if entry.base_id == base_id and version in (None, entry.version)
        ]
        if not found:
            raise UnknownArxivId(f"arXiv id {canonical} not found; check the id")
        self._remember(found[0])
        return found[0]

    def _entries(self, search: arxiv.Search, page_size: int) -> list[ArxivEntry]:
        self._api.page_size = max(1, min(page_size, _PAGE_SIZE_LIMIT))
        results = self._retrying(lambda: self._query_once(search))
        return [entry for entry in map(ArxivEntry.from_result, results) if entry is not None]

    def _query_once(self, search: arxiv.Search) -> list[arxiv.Result]:
        endpoint = self.endpoint
        try:
            return list(self._api.results(search))
        except _MalformedFeed as error:
            raise SourceError(
                f"arXiv at {endpoint} sent a malformed Atom feed; try again later or set SYNTH_ARXIV_URL"
            ) from error
        except arxiv.HTTPError as error:
            status = error.status
            if _is_transient_status(status):
                raise _TransientFailure(
                    f"arXiv at {endpoint} answered HTTP {status}",
                    wait_at_least_s=_retry_after_s(self._api._session.last_headers),
                ) from error
            raise SourceError(
                f"arXiv at {endpoint} rejected the request (HTTP {status}); check the id or query"
            ) from error
        except arxiv.UnexpectedEmptyPageError as error:
            raise _TransientFailure(f"arXiv at {endpoint} sent an empty page", "try again later") from error
        except requests.exceptions.ConnectionError as error:
            if _never_connected(error):
                raise SourceError(unreachable_message(endpoint)) from error
            raise _unreachable_failure(endpoint) from error
        except requests.exceptions.Timeout as error:
            raise self._timeout_failure(endpoint) from error
        except DeadlineExceeded as error:
            raise self._deadline_failure(endpoint) from error

    def _cached_entry(self, versioned_id: str) -> ArxivEntry | None:
        """The cached entry; an unreadable cache file counts as absent (it is re-fetched)."""
        text = self.cache.read_meta(versioned_id)
        if text is None:
            return None
        try:
            return ArxivEntry.model_validate_json(text)
        except ValidationError:
            log.warning("ignoring unreadable cache file %s", self.cache.meta_path(versioned_id))
            return None

    def _remember(self, entry: ArxivEntry) -> None:
        if self._cached_entry(entry.arxiv_id) is None:
            self.cache.write_meta(entry.arxiv_id, entry.model_dump_json(indent=1))

    # --- PDFs ---------------------------------------------------------------

    def download_pdf(self, entry: ArxivEntry) -> Path:
        """The cached PDF of ``entry``, downloaded first if it is not there yet."""
        cached = self.cache.cached_pdf(entry.arxiv_id)
        if cached is not None:
            return cached
        target = self.cache.pdf_path(entry.arxiv_id)
        self._retrying(lambda: self._download_once(entry, target))
        self._downloaded.add(entry.arxiv_id)
        return target

    def paper(self, entry: ArxivEntry, found_by: str) -> Paper:
        """Download (or reuse) the PDF of ``entry`` and describe it as a library Paper."""
        return entry_to_paper(entry, self.download_pdf(entry), found_by)

    def _download_once(self, entry: ArxivEntry, target: Path) -> None:
        """One try: the PDF lands in the cache only if it arrived whole."""
        url = entry.pdf_url
        try:
            with (
                throttled(url, self.settings.arxiv_delay_s),
                deadline(self.deadline_s),
                self._http.stream("GET", url) as response,
            ):
                self._check_pdf_status(entry, response)
                with atomic_file(target) as out:
                    _receive_pdf(entry, response, out)
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            raise SourceError(unreachable_message(url)) from error
        except httpx.TimeoutException as error:
            raise self._timeout_failure(url) from error
        except DeadlineExceeded as error:
            raise self._deadline_failure(url) from error
        except httpx.RemoteProtocolError as error:  # closed before the Content-Length was reached
            raise _truncated(entry, f"the connection closed early ({error})") from error
        except httpx.TransportError as error:
            raise _unreachable_failure(url) from error

    def drop_cached_pdf(self, arxiv_id: str) -> bool:
        """Remove a cached PDF that turned out unusable (it fails to parse), so the
        next ``download_pdf`` fetches it again. False when there was none, or it
        was downloaded by this client (fetching it again would give the same bytes)."""
        if arxiv_id in self._downloaded or self.cache.cached_pdf(arxiv_id) is None:
            return False
        self.cache.pdf_path(arxiv_id).unlink(missing_ok=True)
        return True

    @staticmethod
    def _check_pdf_status(entry: ArxivEntry, response: httpx.Response) -> None:
        status = response.status_code
        if status == 200:
            return
        if _is_transient_status(status):
            raise _TransientFailure(
                f"PDF of arXiv {entry.arxiv_id} at {entry.pdf_url} answered HTTP {status}",
                "try again later or ingest a local copy",
                wait_at_least_s=_retry_after_s(response.headers),
            )
        raise SourceError(
            f"no PDF for arXiv {entry.arxiv_id} at {entry.pdf_url} (HTTP {status}); "
            "check the id or ingest a local copy"
        )

    # --- retries --------------------------------------------------------------

    def _timeout_failure(self, url: str) -> _TransientFailure:
        return _TransientFailure(
            f"arXiv at {url} did not answer within {self.settings.arxiv_timeout_s:g} s",
            "try again later or raise SYNTH_ARXIV_TIMEOUT_S",
        )

    def _deadline_failure(self, url: str) -> _TransientFailure:
        return _TransientFailure(
            f"arXiv at {url} sent too slowly: no complete answer within {self.deadline_s:g} s",
            f"try again later or raise SYNTH_ARXIV_TIMEOUT_S (a request may take {DEADLINE_TIMEOUTS} times it)",
        )

    def _retrying(self, attempt: Callable[[], T]) -> T:
        """Run ``attempt``; on a transient failure wait ``arxiv_backoff_s * 2**n``
        (or the server's Retry-After, if longer) and try again, up to
        ``arxiv_retries`` more times."""
        retries = self.settings.arxiv_retries
        for retry in range(retries):
            try:
                return attempt()
            except _TransientFailure as failure:
                wait_s = max(self.settings.arxiv_backoff_s * 2**retry, failure.wait_at_least_s)
                log.warning("%s; retry %d/%d in %.1f s", failure.problem, retry + 1, retries, wait_s)
                time.sleep(wait_s)
        try:
            return attempt()
        except _TransientFailure as failure:
            raise SourceError(failure.final_message(retries + 1)) from failure
