"""The report's method appendix: the trained verifier's held-out figures and reliability diagram."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from synth.models.nli import shipped_model_dir
from synth.report.render import write_report
from synth.report.sections.method import FIGURE_NAME, verifier_method
from synth.settings import Settings
from tests.test_report_render import TEMPLATES, sample_document



def _settings(tmp_path: Path, model_dir: Path | None = None, verifiers: list[str] | None = None) -> Settings:
    settings = Settings(home=tmp_path / "home")
    nli = settings.verify.nli.model_copy(update={"model_dir": str(model_dir) if model_dir else None})
    update = {"nli": nli} | ({"verifiers": verifiers} if verifiers else {})
    settings.verify = settings.verify.model_copy(update=update)
    return settings


def test_the_appendix_shows_the_shipped_model_cards_held_out_figures_and_its_diagram(tmp_path: Path) -> None:
    card = json.loads((shipped_model_dir() / "model_card.json").read_text(encoding="utf-8"))
    out = tmp_path / "report"
    method = verifier_method(_settings(tmp_path), out)

    assert method is not None and method.model_sha256 == card["sha256"]
    assert {name: f.macro_f1 for name, f in method.held_out.items()} == {
        name: figures["macro_f1"] for name, figures in card["held_out"].items()}
    assert method.fitted_on == card["combiner"]["fitted_on"]
    assert (out / FIGURE_NAME).read_bytes() == (shipped_model_dir() / "reliability.png").read_bytes()

    write_report(sample_document().model_copy(update={"method": method}), out, TEMPLATES, formats=["md", "html"])
    markdown = (out / "report.md").read_text(encoding="utf-8")
    real = card["held_out"]["real-papers"]
    low, high = real["macro_f1_interval"]
    assert f"| real-papers | {real['n']} | {real['macro_f1']:.3f} ({low:.2f}–{high:.2f}) |" in markdown
    assert f"| {real['ece']:.3f} | {real['ece_if_calibrated']:.3f} |" in markdown
    assert markdown.count("sampling noise") == 1 and card["held_out_note"].split(" by ")[0] in markdown
    assert f"]({FIGURE_NAME})" in markdown
    assert "data:image/png;base64," in (out / "report.html").read_text(encoding="utf-8")


def test_without_the_trained_verifier_the_appendix_says_so(tmp_path: Path) -> None:
    assert verifier_method(_settings(tmp_path, verifiers=["dataset", "text"]), tmp_path / "out") is None
    write_report(sample_document(), tmp_path / "out", TEMPLATES, formats=["md"])
    assert "No trained verifier decided a claim" in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")


def test_a_model_folder_without_a_diagram_gets_the_appendix_without_a_figure(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    shutil.copy(shipped_model_dir() / "model_card.json", folder)
    method = verifier_method(_settings(tmp_path, model_dir=folder), tmp_path / "out")
    assert method is not None and method.reliability is None and method.held_out
    assert not (tmp_path / "out" / FIGURE_NAME).exists()


def test_a_card_held_out_before_the_calibrated_ece_existed_shows_a_dash(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    card = json.loads((shipped_model_dir() / "model_card.json").read_text(encoding="utf-8"))
    for figures in card["held_out"].values():
        figures.pop("ece_if_calibrated")
    (folder / "model_card.json").write_text(json.dumps(card), encoding="utf-8")
    method = verifier_method(_settings(tmp_path, model_dir=folder), tmp_path / "out")
    write_report(sample_document().model_copy(update={"method": method}), tmp_path / "out", TEMPLATES, formats=["md"])
    real = card["held_out"]["real-papers"]
    assert f"| {real['ece']:.3f} | – |" in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")


def test_the_appendix_shows_each_held_out_figures_interval_when_the_card_has_one(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    card = json.loads((shipped_model_dir() / "model_card.json").read_text(encoding="utf-8"))
    card["held_out"]["real-papers"] |= {"macro_f1": 0.537, "macro_f1_interval": [0.451, 0.622],
                                        "refuted_f1": 0.421, "refuted_f1_interval": [0.28, 0.559]}
    card["held_out"]["wice"].pop("macro_f1_interval", None)
    card["held_out"]["wice"].pop("refuted_f1_interval", None)
    (folder / "model_card.json").write_text(json.dumps(card), encoding="utf-8")
    method = verifier_method(_settings(tmp_path, model_dir=folder), tmp_path / "out")
    write_report(sample_document().model_copy(update={"method": method}), tmp_path / "out", TEMPLATES,
                 formats=["md", "html"])
    markdown = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "| 0.537 (0.45–0.62) |" in markdown and "| 0.421 (0.28–0.56) |" in markdown
    assert "<td>0.537 (0.45–0.62)</td>" in html
    wice = card["held_out"]["wice"]
    assert f"| {wice['macro_f1']:.3f} |" in markdown, "a card without intervals shows the figure alone"
