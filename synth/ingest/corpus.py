"""Corpora that are not PDFs: BEIR / SciFact ``corpus.jsonl`` files, and ``.txt`` / ``.md`` files.

Each document becomes a paper of its own. Its "pages" are its sentences
(``Paper.locations == "sentence"``): sentence 3 of an abstract is located as
page 3, so chunks, quotes and evidence keep working unchanged and a report
can say "sentence 3" where a PDF would say "p. 3".

Formats (one JSON object per line):

- BEIR: ``{"_id": "...", "title": "...", "text": "..."}``, the text split into sentences here;
- SciFact: ``{"doc_id": 4983, "title": "...", "abstract": ["sentence", ...]}``, sentences as given.

A ``.txt`` / ``.md`` file is one document: its first line (without ``#``
marks) is the title, each Markdown heading and each sentence of the other
lines one location.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from synth.errors import IngestError
from synth.records import Page, Paper, ParsedPaper

JSONL_SUFFIXES = {".jsonl"}
TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
CORPUS_SUFFIXES = JSONL_SUFFIXES | TEXT_SUFFIXES

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")


@dataclass(frozen=True)
class CorpusDocument:
    doc_id: str
    title: str
    sentences: tuple[str, ...]

    @property
    def sha256(self) -> str:
        """Hash of the document's content: a changed document is re-ingested, an unchanged one skipped."""
        payload = json.dumps([self.doc_id, self.title, self.sentences], ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def is_corpus_file(path: Path) -> bool:
    return path.suffix.lower() in CORPUS_SUFFIXES and path.is_file()


def split_sentences(text: str) -> list[str]:
    """Sentences of running text: a cut after ``.!?`` before a capital or digit."""
    return [sentence.strip() for sentence in _SENTENCE_END.split(" ".join(text.split())) if sentence.strip()]


def read_documents(path: Path) -> list[CorpusDocument]:
    """The documents of a corpus file; IngestError naming the file (and line) and the fix."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise IngestError(f"{path}: cannot read the file as UTF-8 text ({error}); check the path and encoding") from error
    if path.suffix.lower() in JSONL_SUFFIXES:
        documents = [_json_document(path, number, line) for number, line in enumerate(text.split("\n"), 1)
                     if line.strip()]
    else:
        documents = [_text_document(path, text)]
    documents = [document for document in documents if document.sentences]
    if not documents:
        raise IngestError(f"{path}: holds no document with text; check that it is a corpus file")
    return documents


def _json_document(path: Path, number: int, line: str) -> CorpusDocument:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise IngestError(f"{path}:{number}: not valid JSON ({error.msg}); write one JSON object per line") from error
    doc_id = record.get("_id", record.get("doc_id")) if isinstance(record, dict) else None
    if doc_id is None:
        raise IngestError(
            f"{path}:{number}: no document id; BEIR lines need _id, title, text and SciFact lines doc_id, title, abstract"
        )
    body = record.get("abstract", record.get("text", ""))
    sentences = [" ".join(str(s).split()) for s in body] if isinstance(body, list) else split_sentences(str(body))
    return CorpusDocument(str(doc_id), " ".join(str(record.get("title", "")).split()),
                          tuple(sentence for sentence in sentences if sentence))


def _text_document(path: Path, text: str) -> CorpusDocument:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    title = _MARKDOWN_HEADING.sub("", lines[0]) if lines else path.stem
    sentences: list[str] = []
    paragraph: list[str] = []
    for line in [*lines[1:], ""]:
        if _MARKDOWN_HEADING.match(line) or not line:
            sentences += split_sentences(" ".join(paragraph))
            paragraph = []
            if line:
                sentences.append(_MARKDOWN_HEADING.sub("", line))
        else:
            paragraph.append(line)
    return CorpusDocument(path.stem, title, tuple(sentences or lines))


def document_paper(path: Path, document: CorpusDocument, paper_id: str) -> Paper:
    """The library record of one corpus document (before parsing)."""
    return Paper(
        paper_id=paper_id,
        title=document.title or document.doc_id,
        source="local",
        pdf_path=str(path.resolve()),
        sha256=document.sha256,
        pages=len(document.sentences),
        abstract=" ".join(document.sentences),
        found_by=f"corpus file {path.name}, document {document.doc_id}",
        locations="sentence",
    )


def parse_document(document: CorpusDocument, paper: Paper) -> ParsedPaper:
    """One page per sentence, numbered from 1; no sections (a corpus document has no headings to trust)."""
    pages = [Page(number=number, text=sentence) for number, sentence in enumerate(document.sentences, start=1)]
    return ParsedPaper(paper=paper, page_texts=pages, sections=[])
