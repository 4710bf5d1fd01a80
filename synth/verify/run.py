"""Route each claim to the verifier that can check it, and calibrate the verdict.

- dataset facts (counts / languages of XQuAD-R, MLQA-R) -> computed from the data;
- directional claims about hybrid batch training -> reproduction result files;
- everything else -> the text of the ingested papers.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from synth.claims.llm import chat_model
from synth.index.library import Library
from synth.records import Claim, Verification
from synth.settings import Settings
from synth.verify.calibration import confidence
from synth.verify.dataset import is_dataset_fact, verify_dataset_fact
from synth.verify.inputs import ClaimInput
from synth.verify.judgement import Judgement
from synth.verify.reproduction import is_reproduction_claim, verify_reproduction
from synth.verify.text import TextVerifier


def method_for(text: str) -> str:
    if is_dataset_fact(text):
        return "dataset"
    if is_reproduction_claim(text):
        return "reproduction"
    return "text"


def judge(claim: ClaimInput, texts: TextVerifier | None, data_dir: Path | None, results_dir: Path | None) -> Judgement:
    method = method_for(claim.text)
    if method == "dataset":
        return verify_dataset_fact(claim.text, data_dir)
    if method == "reproduction":
        return verify_reproduction(claim.text, results_dir)
    return texts.verify(claim.text, claim.paper_id)


def to_verification(claim: ClaimInput, judgement: Judgement) -> Verification:
    return Verification(id=claim.id, claim=claim.text, verdict=judgement.verdict, confidence=confidence(judgement),
                        method=judgement.method, evidence=judgement.evidence, rationale=judgement.rationale)


def verify_claims(
    claims_in: Iterable[ClaimInput | Claim | dict],
    library: Library | None,
    settings: Settings,
    data_dir: Path | None = None,
    results_dir: Path | None = None,
    on_done=None,
) -> list[Verification]:
    """Verify claims (ClaimInput, Claim records or {"text", "paper_id"?, "id"?} dicts).

    ``data_dir`` / ``results_dir`` default to settings.lareqa_dir / settings.results_dir;
    ``library`` defaults to Library(settings) when a text claim needs it;
    ``on_done`` is called after each claim (progress bars).
    """
    data_dir = data_dir if data_dir is not None else settings.lareqa_dir
    results_dir = results_dir if results_dir is not None else settings.results_dir
    verifications, texts = [], None
    for item in claims_in:
        claim = ClaimInput.from_any(item)
        if texts is None and method_for(claim.text) == "text":
            texts = TextVerifier(library or Library(settings), chat_model(settings), settings)
        verifications.append(to_verification(claim, judge(claim, texts, data_dir, results_dir)))
        if on_done:
            on_done()
    return verifications
