"""The local arXiv look-alike speaks arXiv's format, so tests against it mean something."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import arxiv
import httpx

from synth.settings import Settings
from synth.sources import ArxivClient
from tests.support.arxiv_server import ARXIV, ATOM, OPENSEARCH, ArxivServer, arxiv_server, serve_corpus  # noqa: F401
from bench.corpus.content import LEXICAL_DENSE


def _feed(server: ArxivServer, **params: str) -> tuple[int, ET.Element]:
    response = httpx.get(server.url, params=params)
    return response.status_code, ET.fromstring(response.content)


def _add_numbered(server: ArxivServer, count: int) -> None:
    for number in range(1, count + 1):
        server.add_paper(f"2501.1000{number}", f"Contrastive paper {number}", "contrastive learning",
                         pdf=b"%PDF-1.4")


def test_entries_carry_arxivs_fields(arxiv_server: ArxivServer) -> None:  # noqa: F811
    arxiv_server.add_paper("hep-th/9901001v2", "Strings", "Branes.", ["Ed Witten", "Joe Polchinski"],
                           categories=("hep-th", "math-ph"))
    status, root = _feed(arxiv_server, id_list="hep-th/9901001", start="0", max_results="10")
    entry = root.find(f"{{{ATOM}}}entry")
    assert status == 200 and root.tag == f"{{{ATOM}}}feed"
    assert root.findtext(f"{{{OPENSEARCH}}}totalResults") == "1"
    assert entry.findtext(f"{{{ATOM}}}id") == "http://arxiv.org/abs/hep-th/9901001v2"
    assert [a.findtext(f"{{{ATOM}}}name") for a in entry.findall(f"{{{ATOM}}}author")] == ["Ed Witten", "Joe Polchinski"]
    links = {link.get("title") or link.get("rel"): link.get("href") for link in entry.findall(f"{{{ATOM}}}link")}
    assert links["pdf"] == arxiv_server.pdf_url("hep-th/9901001v2")
    assert links["alternate"].endswith("/abs/hep-th/9901001v2")
    assert entry.find(f"{{{ARXIV}}}primary_category").get("term") == "hep-th"
    assert [c.get("term") for c in entry.findall(f"{{{ATOM}}}category")] == ["hep-th", "math-ph"]
    assert entry.findtext(f"{{{ATOM}}}published") == "2024-08-20T04:15:49Z"


def test_paging_follows_start_and_max_results(arxiv_server: ArxivServer) -> None:  # noqa: F811
    _add_numbered(arxiv_server, 5)
    status, root = _feed(arxiv_server, search_query="all:contrastive", start="3", max_results="10")
    ids = [entry.findtext(f"{{{ATOM}}}id") for entry in root.findall(f"{{{ATOM}}}entry")]
    assert ids == ["http://arxiv.org/abs/2501.10004v1", "http://arxiv.org/abs/2501.10005v1"]
    assert (root.findtext(f"{{{OPENSEARCH}}}totalResults"), root.findtext(f"{{{OPENSEARCH}}}startIndex")) == ("5", "3")


def test_the_arxiv_package_pages_through_results(arxiv_server: ArxivServer) -> None:  # noqa: F811
    _add_numbered(arxiv_server, 5)
    client = arxiv.Client(page_size=2, delay_seconds=0.0, num_retries=0)
    client.query_url_format = arxiv_server.url + "?{}"
    results = list(client.results(arxiv.Search(query="contrastive", max_results=None)))
    assert [result.get_short_id() for result in results] == [f"2501.1000{n}v1" for n in range(1, 6)]
    assert arxiv_server.request_count("api") == 3


def test_malformed_and_unknown_ids_answer_like_arxiv(arxiv_server: ArxivServer) -> None:  # noqa: F811
    status, root = _feed(arxiv_server, id_list="9999.99999")
    assert status == 200 and root.findall(f"{{{ATOM}}}entry") == []
    status, root = _feed(arxiv_server, id_list="nonsense")
    assert status == 400
    assert root.find(f"{{{ATOM}}}entry").findtext(f"{{{ATOM}}}id").startswith("http://arxiv.org/api/errors#")


def test_corpus_papers_are_served_at_every_version(arxiv_server: ArxivServer, tmp_path: Path,  # noqa: F811
                                                  synth_home: Path) -> None:
    rendered = serve_corpus(arxiv_server, tmp_path / "pdfs", papers=[LEXICAL_DENSE])
    assert list(rendered) == [LEXICAL_DENSE.versioned_id] == ["2501.00002v2"]
    settings = Settings(home=synth_home, arxiv_url=arxiv_server.url, arxiv_delay_s=0.0)
    with ArxivClient(settings) as client:
        latest = client.fetch(LEXICAL_DENSE.arxiv_id)
        assert latest.arxiv_id == "2501.00002v2" and latest.title == LEXICAL_DENSE.title
        assert client.fetch("2501.00002v1").version == 1
        assert client.download_pdf(latest).read_bytes() == rendered["2501.00002v2"].read_bytes()
        assert [entry.arxiv_id for entry in client.search("BEIR")] == ["2501.00002v2"]
