"""The reproduction section: a real (tiny) run's result.json and figures in the report."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from synth.report.document import Provenance, ReportDocument
from synth.report.render import write_report
from synth.studies.hybrid_batch.outcome import Check, outcome_of
from synth.studies.hybrid_batch.section import PAPER_CLAIMS, cached_reproduction, table_outcome
from synth.reproduce.config import ReproductionConfig
from synth.reproduce.result import Interval
from synth.reproduce.runner import ReproductionRunner
from synth.settings import REPO_ROOT, Settings
from tests.support.lareqa import write_lareqa_fixture
from tests.support.tiny_encoder import save_tiny_encoder


@pytest.fixture(scope="module")
def tiny_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """results/tiny/result.json + figures from the tiny config on generated data."""
    root = tmp_path_factory.mktemp("tiny-run")
    config = yaml.safe_load((REPO_ROOT / "reproductions" / "hybrid_batch" / "tiny.yaml").read_text())
    config["model"] = str(save_tiny_encoder(root / "model"))
    settings = Settings(home=root / "home")
    ReproductionRunner(ReproductionConfig.model_validate(config), write_lareqa_fixture(root / "data"),
                       root / "results" / "tiny", "cpu", settings, progress=False).run()
    return root / "results"


@pytest.mark.parametrize(("low", "high", "metric", "outcome"), [
    (0.01, 0.03, "multilingual_map", "confirmed"), (-0.03, -0.01, "multilingual_map", "contradicted"),
    (-0.01, 0.02, "multilingual_map", "open"),
    (-3.0, -1.0, "rank_distance", "confirmed"), (1.0, 3.0, "rank_distance", "contradicted"),
])
def test_outcome_needs_the_whole_interval_on_one_side(low: float, high: float, metric: str, outcome: str) -> None:
    check = Check(other="monolingual", metric=metric, eval_dataset=None, expected="better")
    assert outcome_of(Interval(mean=(low + high) / 2, low=low, high=high), check) == outcome


def test_section_shows_every_strategy_and_the_claimed_comparisons(tiny_results: Path, tmp_path: Path) -> None:
    section, limitations = cached_reproduction(tiny_results, tmp_path)

    assert limitations == [] and section is not None
    assert [row.strategy for row in section.strategies] == ["baseline", "monolingual", "cross_lingual", "hybrid"]
    assert {(row.claimed, row.metric) for row in section.comparisons} == {(c.text, c.check.metric) for c in PAPER_CLAIMS}
    for row in section.comparisons:
        claim = next(c for c in PAPER_CLAIMS if c.text == row.claimed)
        assert row.outcome == table_outcome(row.measured, claim.check)
    assert section.substitutions and section.model_sha256
    assert len(section.figures) >= 3
    assert all((tmp_path / figure.path).is_file() for figure in section.figures)


def test_figures_are_embedded_in_the_pdf(tiny_results: Path, tmp_path: Path) -> None:
    section, _ = cached_reproduction(tiny_results, tmp_path)
    document = ReportDocument(title="t", question="q", reproduction=section, provenance=Provenance(
        tool_version="0", created_at="2026-01-01T00:00:00Z", command="synth report", embedding_model="m"))
    write_report(document, tmp_path, REPO_ROOT / "synth" / "report" / "templates", formats=["pdf", "md"])

    images = [image for page in PdfReader(tmp_path / "report.pdf").pages for image in page.images]
    assert len(images) >= len(section.figures)
    markdown = (tmp_path / "report.md").read_text()
    assert all(f"]({figure.path})" in markdown for figure in section.figures)


def test_missing_results_become_a_limitation(tmp_path: Path) -> None:
    section, limitations = cached_reproduction(tmp_path / "nothing-here", tmp_path)
    assert section is None
    assert "no result.json under" in limitations[0].why


def test_the_verifier_reads_each_paper_claim_as_the_table_checks_it() -> None:
    """The verdict and the comparison table decide a paper claim by the same check and rule."""
    from synth.studies.hybrid_batch.reproduction import checks_of

    for claim in PAPER_CLAIMS:
        assert checks_of(claim.text) == [claim.check], claim.text
