"""The real ``arxiv`` client, through ArxivClient, against the local arXiv look-alike."""

from __future__ import annotations

import hashlib
import io
import socket
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from synth.errors import SourceError
from synth.settings import Settings
from synth.sources import ArxivClient
from tests.support.arxiv_server import ArxivServer, arxiv_server  # noqa: F401 (fixture)


def tiny_pdf(text: str) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)  # same text -> same bytes
    canvas.drawString(72, 720, text)
    canvas.save()
    return buffer.getvalue()


def client_for(synth_home: Path, url: str, **overrides: float) -> ArxivClient:
    options = {"arxiv_delay_s": 0.0, "arxiv_backoff_s": 0.01, "arxiv_retries": 3, "arxiv_timeout_s": 5.0}
    options.update(overrides)
    return ArxivClient(Settings(home=synth_home, arxiv_url=url, **options))


@pytest.fixture
def server(arxiv_server: ArxivServer) -> ArxivServer:  # noqa: F811
    """Three papers: a new-style id at v1 and v2, another new-style id, an old-style id."""
    arxiv_server.add_paper("2408.10536v1", "Hybrid batches for multilingual retrieval",
                           "Hybrid batch training mixes monolingual and cross-lingual pairs.",
                           ["Ada Lovelace", "Alan Turing"], tiny_pdf("hybrid v1"))
    arxiv_server.add_paper("2408.10536v2", "Hybrid batches for multilingual retrieval",
                           "Hybrid batch training mixes monolingual and cross-lingual pairs. Revised.",
                           ["Ada Lovelace", "Alan Turing"], tiny_pdf("hybrid v2"))
    arxiv_server.add_paper("2501.00002v1", "Lexical and dense retrieval compared",
                           "BM25 against a dense bi-encoder with reciprocal rank fusion.",
                           ["Grace Hopper"], tiny_pdf("lexical"))
    arxiv_server.add_paper("hep-th/9901001v1", "Strings on branes", "An old-style identifier.",
                           ["Ed Witten"], tiny_pdf("strings"))
    return arxiv_server


@pytest.fixture
def client(server: ArxivServer, synth_home: Path) -> ArxivClient:
    with client_for(synth_home, server.url) as arxiv_client:
        yield arxiv_client


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/query"


# --- search and fetch ------------------------------------------------------------


def test_search_returns_matching_latest_versions_best_first(client: ArxivClient) -> None:
    entries = client.search("hybrid multilingual retrieval")
    assert [entry.arxiv_id for entry in entries] == ["2408.10536v2", "2501.00002v1"]
    best = entries[0]
    assert best.title == "Hybrid batches for multilingual retrieval"
    assert best.authors == ["Ada Lovelace", "Alan Turing"]
    assert (best.base_id, best.version, best.year) == ("2408.10536", 2, 2024)
    assert best.abstract.endswith("Revised.")
    assert best.pdf_url.startswith(client.endpoint.removesuffix("/api/query") + "/pdf/")


def test_search_respects_max_results_and_field_prefixes(client: ArxivClient) -> None:
    assert len(client.search("all:retrieval", max_results=1)) == 1
    assert client.search("ti:nonexistentword") == []


def test_fetch_unversioned_id_gives_the_latest_version(client: ArxivClient) -> None:
    entry = client.fetch("2408.10536")
    assert entry.arxiv_id == "2408.10536v2"


@pytest.mark.parametrize("text", ["2408.10536v1", "arXiv:2408.10536v1", "https://arxiv.org/abs/2408.10536v1"])
def test_fetch_versioned_id_gives_that_version(client: ArxivClient, text: str) -> None:
    entry = client.fetch(text)
    assert entry.arxiv_id == "2408.10536v1"
    assert "Revised" not in entry.abstract


def test_fetch_old_style_id(client: ArxivClient) -> None:
    entry = client.fetch("hep-th/9901001")
    assert (entry.arxiv_id, entry.base_id, entry.title) == ("hep-th/9901001v1", "hep-th/9901001", "Strings on branes")


def test_downloaded_pdf_becomes_a_paper_record(client: ArxivClient, server: ArxivServer) -> None:
    entry = client.fetch("hep-th/9901001")
    paper = client.paper(entry, found_by="arXiv id hep-th/9901001")
    served = tiny_pdf("strings")
    assert Path(paper.pdf_path).read_bytes() == served
    assert paper.sha256 == hashlib.sha256(served).hexdigest()
    assert (paper.paper_id, paper.source, paper.found_by) == ("hep-th/9901001v1", "arxiv", "arXiv id hep-th/9901001")
    assert paper.authors == ["Ed Witten"] and paper.year == 2024
    assert Path(paper.pdf_path).parent == client.cache.root / "pdf"
    assert "/" not in Path(paper.pdf_path).name


# --- cache -----------------------------------------------------------------------


def test_versioned_fetch_and_download_hit_the_cache(client: ArxivClient, server: ArxivServer,
                                                    synth_home: Path) -> None:
    first = client.fetch("2408.10536v1")
    path = client.download_pdf(first)
    with client_for(synth_home, server.url) as fresh_client:
        again = fresh_client.fetch("2408.10536v1")
        assert fresh_client.download_pdf(again) == path
    assert again == first
    assert (server.request_count("api"), server.request_count("pdf")) == (1, 1)


def test_unversioned_fetch_asks_for_the_version_then_reuses_the_pdf(client: ArxivClient,
                                                                   server: ArxivServer) -> None:
    client.download_pdf(client.fetch("2408.10536"))
    client.download_pdf(client.fetch("2408.10536"))
    assert (server.request_count("api"), server.request_count("pdf")) == (2, 1)


def test_search_results_are_cached_for_later_versioned_fetches(client: ArxivClient, server: ArxivServer) -> None:
    found = client.search("strings branes")
    assert client.fetch(found[0].arxiv_id) == found[0]
    assert server.request_count("api") == 1


def test_an_unreadable_cache_file_is_fetched_again(client: ArxivClient, server: ArxivServer) -> None:
    entry = client.fetch("2408.10536v1")
    client.cache.meta_path(entry.arxiv_id).write_text("{truncated", encoding="utf-8")
    assert client.fetch("2408.10536v1") == entry
    assert server.request_count("api") == 2
    assert client.fetch("2408.10536v1") == entry
    assert server.request_count("api") == 2


def test_a_new_version_is_fetched_not_served_stale(client: ArxivClient, server: ArxivServer) -> None:
    assert client.fetch("2501.00002").arxiv_id == "2501.00002v1"
    server.add_paper("2501.00002v2", "Lexical and dense retrieval compared, revised", "v2", ["Grace Hopper"],
                     tiny_pdf("lexical v2"))
    newer = client.fetch("2501.00002")
    assert newer.arxiv_id == "2501.00002v2"
    assert client.download_pdf(newer).read_bytes() == tiny_pdf("lexical v2")


# --- retries, pace, timeouts ---------------------------------------------------------


@pytest.mark.parametrize("status", [503, 429, 500])
def test_transient_statuses_are_retried_until_success(client: ArxivClient, server: ArxivServer, status: int) -> None:
    server.fail_next(times=2, status=status)
    assert client.fetch("2408.10536").arxiv_id == "2408.10536v2"
    assert server.request_count("api") == 3


def test_retries_back_off_exponentially(server: ArxivServer, synth_home: Path) -> None:
    server.fail_next(times=3, status=503)
    with client_for(synth_home, server.url, arxiv_backoff_s=0.1) as arxiv_client:
        arxiv_client.fetch("2408.10536")
    times = server.request_times("api")
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    assert len(gaps) == 3
    assert [gap >= wait for gap, wait in zip(gaps, [0.1, 0.2, 0.4])] == [True, True, True]


@pytest.mark.parametrize("kind", ["api", "pdf"])
def test_retry_after_is_honoured_when_longer_than_the_backoff(client: ArxivClient, server: ArxivServer,
                                                              kind: str) -> None:
    server.fail_next(times=1, status=429, kind=kind, retry_after_s=1)
    client.download_pdf(client.fetch("2501.00002"))
    refused, retried = server.request_times(kind)
    assert retried - refused >= 1.0


def test_giving_up_after_the_last_retry_says_why(server: ArxivServer, synth_home: Path) -> None:
    server.fail_next(times=10, status=503)
    with client_for(synth_home, server.url, arxiv_retries=2) as arxiv_client:
        with pytest.raises(SourceError) as caught:
            arxiv_client.fetch("2408.10536")
    assert str(caught.value) == (
        f"arXiv at {server.url} answered HTTP 503 on all 3 tries; try again later or ingest local PDFs"
    )
    assert server.request_count("api") == 3


def test_client_errors_are_not_retried(client: ArxivClient, server: ArxivServer) -> None:
    server.fail_next(times=1, status=403)
    with pytest.raises(SourceError, match=r"rejected the request \(HTTP 403\)"):
        client.fetch("2408.10536")
    assert server.request_count("api") == 1


def test_slow_answers_time_out_and_are_retried(server: ArxivServer, synth_home: Path) -> None:
    server.stall_next(times=1, seconds=3.0)
    with client_for(synth_home, server.url, arxiv_timeout_s=0.3) as arxiv_client:
        assert arxiv_client.fetch("2408.10536").arxiv_id == "2408.10536v2"
    assert server.request_count("api") == 2


def test_timeouts_on_every_try_name_the_setting(server: ArxivServer, synth_home: Path) -> None:
    server.stall_next(times=2, seconds=3.0)
    with client_for(synth_home, server.url, arxiv_timeout_s=0.2, arxiv_retries=1) as arxiv_client:
        with pytest.raises(SourceError, match="did not answer within 0.2 s on all 2 tries.*SYNTH_ARXIV_TIMEOUT_S"):
            arxiv_client.fetch("2408.10536")


def test_pdf_downloads_are_retried_too(client: ArxivClient, server: ArxivServer) -> None:
    server.fail_next(times=2, status=502, kind="pdf")
    path = client.download_pdf(client.fetch("2501.00002"))
    assert path.read_bytes() == tiny_pdf("lexical")
    assert server.request_count("pdf") == 3


def test_requests_keep_the_configured_pace(server: ArxivServer, synth_home: Path) -> None:
    delay = 0.2
    with client_for(synth_home, server.url, arxiv_delay_s=delay) as arxiv_client:
        entry = arxiv_client.fetch("2408.10536")
        arxiv_client.download_pdf(entry)
        arxiv_client.fetch("hep-th/9901001")
    with client_for(synth_home, server.url, arxiv_delay_s=delay) as second_client:
        second_client.fetch("2501.00002")
    times = server.request_times()
    assert len(times) == 4
    assert min(later - earlier for earlier, later in zip(times, times[1:])) >= delay


# --- bad input -----------------------------------------------------------------------


def test_unknown_id_names_the_id(client: ArxivClient) -> None:
    with pytest.raises(SourceError) as caught:
        client.fetch("9999.99999")
    assert str(caught.value) == "arXiv id 9999.99999 not found; check the id"


def test_unknown_version_of_a_known_paper_is_not_found(client: ArxivClient) -> None:
    with pytest.raises(SourceError, match="arXiv id 2408.10536v7 not found; check the id"):
        client.fetch("2408.10536v7")


def test_text_that_is_not_an_id_is_rejected_before_any_request(client: ArxivClient, server: ArxivServer) -> None:
    with pytest.raises(SourceError, match="'not-an-id' is not an arXiv id; use a form like 2408.10536"):
        client.fetch("not-an-id")
    assert server.request_count() == 0


@pytest.mark.parametrize(("query", "count"), [("   ", 10), ("hybrid", 0)])
def test_empty_queries_and_zero_results_are_refused(client: ArxivClient, server: ArxivServer, query: str,
                                                    count: int) -> None:
    with pytest.raises(SourceError, match="empty arXiv query|ask for at least 1"):
        client.search(query, max_results=count)
    assert server.request_count() == 0


def test_unreachable_arxiv_says_what_to_do(synth_home: Path) -> None:
    url = closed_port_url()
    with client_for(synth_home, url, arxiv_backoff_s=5.0) as arxiv_client:
        with pytest.raises(SourceError) as caught:
            arxiv_client.search("anything")
    assert str(caught.value) == f"arXiv unreachable at {url}; ingest local PDFs or set SYNTH_ARXIV_URL"


@pytest.mark.parametrize(
    "body",
    [b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><id>http://arxiv.org/abs/2408.10536v2</id><ti",
     b"<html><body>Rate exceeded.</body></html>",
     b"\x00\x01 not xml at all"],
)
def test_malformed_feed_is_reported_not_taken_for_no_results(client: ArxivClient, server: ArxivServer,
                                                              body: bytes) -> None:
    server.send_malformed_next(body=body)
    with pytest.raises(SourceError) as caught:
        client.fetch("2408.10536")
    assert str(caught.value) == (
        f"arXiv at {server.url} sent a malformed Atom feed; try again later or set SYNTH_ARXIV_URL"
    )


def test_missing_pdf_is_reported_and_nothing_is_cached(client: ArxivClient, server: ArxivServer) -> None:
    entry = client.fetch("2408.10536").model_copy(update={"pdf_url": server.pdf_url("2408.99999v1")})
    with pytest.raises(SourceError, match=r"no PDF for arXiv 2408.10536v2 at .* \(HTTP 404\)"):
        client.download_pdf(entry)
    assert list((client.cache.root / "pdf").glob("*")) == []


def test_a_non_pdf_answer_is_rejected_without_leaving_a_file(client: ArxivClient, server: ArxivServer) -> None:
    server.add_paper("2501.00009v1", "Withdrawn", "html instead of pdf", pdf=b"<html>Article withdrawn</html>")
    entry = client.fetch("2501.00009")
    with pytest.raises(SourceError, match="arXiv sent no PDF for 2501.00009v1"):
        client.download_pdf(entry)
    assert list((client.cache.root / "pdf").glob("*")) == []
    assert client.cache.cached_pdf(entry.arxiv_id) is None
