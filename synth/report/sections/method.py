"""Method appendix: how the trained verifier reached its text verdicts, and how often it is right.

A reader weighing "supported, confidence 0.72" needs to know what produced it: the
cross-encoder (its base and sha256), the combiner fitted over its probabilities and the
structured checks, the claim sets it was fitted on, its figures on held-out claim sets it
never saw, and its reliability diagram (predicted confidence against observed accuracy),
copied beside the report so every format shows it. All of it is read from the verifier's
model card (synth/models/verifier/model_card.json), written when the model was trained and
benchmarked (``synth models train-verifier``, ``python bench/verify_external.py``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from synth.report.document import HeldOutFigures, VerifierMethod
from synth.settings import Settings
from synth.studies.hybrid_batch.records import Figure

FIGURE_NAME = "figures/verifier-reliability.png"
"""Where the reliability diagram is copied, relative to the report folder."""
FIGURE_CAPTION = ("Reliability of the verifier's confidence on held-out claims: observed share of right "
                  "verdicts per confidence bin (the diagonal is perfect calibration); each point's area and the "
                  "number beside it give the claims in its bin.")
HELD_OUT_NOTE = "held-out figures"
"""What the held-out table is, when the model card does not say."""
CALIBRATED_ECE_NOTE = ("ECE if calibrated: what confidences exactly equal to the probability of being right would "
                       "still show on a set of that size, from sampling noise alone.")


def _reliability_figure(folder: Path, out: Path) -> Figure | None:
    from synth.models.nli import reliability_diagram
    from synth.models.store import ModelFileError

    try:
        source = reliability_diagram(folder)
    except ModelFileError:
        return None
    target = out / FIGURE_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return Figure(path=FIGURE_NAME, caption=FIGURE_CAPTION)


def _held_out(card: dict) -> dict[str, HeldOutFigures]:
    return {name: HeldOutFigures(claims=figures["n"], macro_f1=figures["macro_f1"], accuracy=figures["accuracy"],
                                 refuted_f1=figures["refuted_f1"], ece=figures["ece"],
                                 ece_if_calibrated=figures.get("ece_if_calibrated"),
                                 macro_f1_interval=figures.get("macro_f1_interval"),
                                 refuted_f1_interval=figures.get("refuted_f1_interval"))
            for name, figures in card.get("held_out", {}).items()}


def verifier_method(settings: Settings, out: Path) -> VerifierMethod | None:
    """The appendix for the trained (``nli``) verifier; None when it is not among the verifiers used
    or its model card cannot be read (the claims' own rationales then say what decided them)."""
    if "nli" not in settings.verify.verifiers:
        return None
    from synth.models.nli import model_folder  # torch: loaded only when a report is built
    from synth.models.store import ModelFileError, read_card

    folder = model_folder(settings.verify.nli.model_dir)
    try:
        card = read_card(folder)
    except ModelFileError:
        return None
    combiner = card.get("combiner", {})
    return VerifierMethod(
        model=(f"an NLI cross-encoder fine-tuned for {card.get('steps', '?')} steps from the "
               f"{card.get('base', 'unnamed').replace('_', '-')} package's weights"),
        model_sha256=card.get("sha256", ""),
        combiner=(f"multinomial logistic regression over the cross-encoder's probabilities and the structured checks "
                  f"(C={combiner.get('C', '?')}, prior {combiner.get('prior', '?')}), logistic (Platt) confidence map "
                  f"fitted out of fold"),
        fitted_on=combiner.get("fitted_on", {}),
        held_out=_held_out(card),
        held_out_note=f"{card.get('held_out_note') or HELD_OUT_NOTE}. {CALIBRATED_ECE_NOTE}",
        reliability=_reliability_figure(folder, out),
    )
