"""Claim-level examples judged through the library path, the way ``synth verify`` judges them.

Two hand-labelled sets live in the repository: claims about the real papers of
``<data>/papers`` (``bench/data/real_paper_claims.jsonl``, split by whole paper) and claims
about the generated corpus (``tests/data/claims/labeled_claims.jsonl`` over
``reports/corpus``). The third, ``scifact-pdfs``, is SciFact's ``claims_train`` (our split of
it) over one PDF per abstract that a dev or test claim cites, title and abstract, the way
SciFact is checked as a user would check it: unattributed claims, retrieval over every
abstract. Their ``dev`` splits fit the combiner next to the pool sets of
:mod:`synth.models.claim_data`; their ``test`` splits are the benchmark's. Each claim goes
through the registered verifiers' routing and, when the ``nli`` verifier takes it, through
its own retrieval (:meth:`synth.verify.nli.NliTextVerifier.evidence_for`), so the combiner is
fitted on features computed exactly as at run time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from synth.errors import SynthError
from synth.files import write_bytes_atomic
from synth.index.library import Library
from synth.models import nli_data
from synth.models.claim_data import SCIFACT_PDFS, cited_abstracts, scifact_label, scifact_split
from synth.records import Verdict
from synth.settings import Settings
from synth.verify.inputs import ClaimInput
from synth.verify.judgement import Judgement
from synth.verify.nli import ClaimEvidence, NliTextVerifier
from synth.verify.protocol import VerifyContext
from synth.verify.registry import verifiers as registered
from synth.verify.run import route

REPO = Path(__file__).resolve().parents[2]
REAL_CLAIMS = REPO / "bench" / "data" / "real_paper_claims.jsonl"
LABELED_CORPUS = REPO / "tests" / "data" / "claims" / "labeled_claims.jsonl"
CORPUS_PDFS = REPO / "reports" / "corpus"
SCIFACT_PDF_SPLITS = ("dev", "test")
"""The splits whose cited abstracts make up the SciFact library (each split's claims see the other's as distractors)."""


@dataclass
class LibraryClaim:
    text: str
    paper_id: str | None
    """The paper the claim is attributed to (None: search the whole library)."""
    label: Verdict
    source: str
    group: str
    """The paper it is about (cross-validation folds keep a paper's claims together)."""
    kind: str = ""
    """What the claim tests (real-paper claims: paraphrase, number, table_cell, negation, ...)."""


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def real_paper_claims(split: str) -> list[LibraryClaim]:
    return [LibraryClaim(r["claim"], r["paper_id"] if r["attributed"] else None, r["label"], "real-papers", r["paper_id"],
                         r["kind"]) for r in _jsonl(REAL_CLAIMS) if r["split"] == split]


def corpus_claims(split: str) -> list[LibraryClaim]:
    return [LibraryClaim(r["text"], r.get("paper_id"), r["label"], "corpus", r.get("paper_id") or "")
            for r in _jsonl(LABELED_CORPUS) if r.get("split") == split]


def scifact_library_claims(data_dir: Path, split: str) -> list[LibraryClaim]:
    return [LibraryClaim(c["claim"], None, scifact_label(c), SCIFACT_PDFS, str(c["id"]))
            for c in scifact_split(data_dir, split)]


class RendererMissing(SynthError):
    """reportlab, which writes the SciFact abstracts as PDFs, is not installed."""


def _abstract_pdf(title: str, sentences: list[str]) -> bytes:
    """A one-column PDF: the title, an "Abstract" heading, the abstract as one paragraph."""
    import io
    from xml.sax.saxutils import escape

    try:
        from reportlab.lib.pagesizes import LETTER
        from reportlab.lib.styles import getSampleStyleSheet
        from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
    except ImportError as error:
        raise RendererMissing("reportlab is needed to write the SciFact abstracts as PDFs; "
                              "pip install -e \".[train]\"") from error
    styles, buffer = getSampleStyleSheet(), io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=LETTER, title=title, invariant=True).build([
        Paragraph(escape(title), styles["Title"]), Spacer(1, 12), Paragraph("Abstract", styles["Heading2"]),
        Paragraph(escape(" ".join(sentences)), styles["BodyText"])])
    return buffer.getvalue()


def scifact_pdfs(data_dir: Path, folder: Path) -> list[Path]:
    """One PDF per abstract cited by a claim of ``SCIFACT_PDF_SPLITS``, written into ``folder`` once."""
    corpus = nli_data.scifact_corpus(data_dir)
    claims = scifact_split(data_dir, *SCIFACT_PDF_SPLITS)
    paths = []
    for doc_id in cited_abstracts(claims, corpus):
        path = folder / f"scifact-{doc_id}.pdf"
        if not path.exists():
            write_bytes_atomic(path, _abstract_pdf(corpus[doc_id]["title"], corpus[doc_id]["abstract"]))
        paths.append(path)
    return paths


def library_pdfs(name: str, data_dir: Path, home: Path) -> list[Path]:
    """The PDFs of a library set (the SciFact ones are written under ``home`` first)."""
    if name == SCIFACT_PDFS:
        return scifact_pdfs(data_dir, home / f"{SCIFACT_PDFS}-source")
    folder = data_dir / "papers" if name == "real-papers" else CORPUS_PDFS
    return sorted(folder.glob("*.pdf"))


def library_claims(name: str, split: str, data_dir: Path) -> list[LibraryClaim]:
    if name == SCIFACT_PDFS:
        return scifact_library_claims(data_dir, split)
    return real_paper_claims(split) if name == "real-papers" else corpus_claims(split)


def open_library(home: Path, pdfs: list[Path]) -> Library:
    """A library at ``home`` holding ``pdfs`` (ingest skips papers already there)."""
    from synth.ingest.run import ingest_sources

    settings = Settings(home=home)
    library = Library(settings)
    ingest_sources([str(p) for p in pdfs], settings, library, progress=False)
    return library


def offline_settings(library: Library, order: list[str], model_dir: str | None = None) -> Settings:
    """The library's settings with no chat model, the given verifier order and NLI model folder."""
    settings = library.settings.model_copy(update={"llm_model": None})
    nli = settings.verify.nli.model_copy(update={"model_dir": model_dir})
    settings.verify = settings.verify.model_copy(update={"verifiers": order, "nli": nli})
    return settings


def library_evidence(claims: list[LibraryClaim], library: Library, data_dir: Path | None,
                     model_dir: str | None = None) -> list[ClaimEvidence | None]:
    """What the ``nli`` verifier scores for each claim (None: another verifier takes it, or nothing to score)."""
    settings = offline_settings(library, ["dataset", "reproduction", "nli"], model_dir)
    context = VerifyContext(settings, data_dir, settings.results_dir, library)
    chain = registered(settings.verify)
    found: list[ClaimEvidence | None] = []
    for claim in claims:
        claim_input = ClaimInput.from_any({"text": claim.text, "paper_id": claim.paper_id})
        verifier = route(claim_input, chain)
        evidence = verifier.evidence_for(claim_input, context) if isinstance(verifier, NliTextVerifier) else None
        found.append(None if isinstance(evidence, Judgement) else evidence)
    return found


def library_examples(name: str, split: str, data_dir: Path, home: Path,
                     model_dir: str | None = None) -> list[tuple[LibraryClaim, ClaimEvidence]]:
    """The set's claims of ``split`` that the ``nli`` verifier scores, with what it scored."""
    library = open_library(home / name, library_pdfs(name, data_dir, home))
    claims = library_claims(name, split, data_dir)
    found = library_evidence(claims, library, data_dir / "lareqa", model_dir)
    return [(claim, evidence) for claim, evidence in zip(claims, found) if evidence is not None]
