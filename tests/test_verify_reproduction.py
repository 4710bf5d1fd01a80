"""Reproduction verifier against result files built from ReproductionResult objects."""

from __future__ import annotations

from pathlib import Path

import pytest

from synth.reproduce.result import Difference, Interval, ReproductionResult, StrategyResult
from synth.studies.hybrid_batch.reproduction import checks_of, is_reproduction_claim, verify_reproduction
from synth.verify.policy import ReproductionPolicy

BEST = "Hybrid batch sampling achieves the best performance in multilingual retrieval settings."
BIAS = "Hybrid batch training substantially reduces language bias in multilingual retrieval compared to monolingual training."
STEPS = 200
ONE_SEED = ReproductionPolicy(min_seeds=1, min_train_steps=STEPS)
"""A strength rule the single-seed test runs meet, so their verdicts follow the intervals alone."""


def _interval(mean: float, half_width: float) -> Interval:
    return Interval(mean=mean, low=mean - half_width, high=mean + half_width)


def _strategy(strategy: str) -> StrategyResult:
    score = _interval(0.5, 0.01)
    return StrategyResult(strategy=strategy, train_dataset=None if strategy == "baseline" else "mlqa-r",
                          eval_dataset="xquad-r", languages=["en", "de"], multilingual_map=score,
                          cross_lingual_map=score, monolingual_map=score, pair_map={"en": {"de": 0.5}},
                          rank_distance=_interval(5.0, 0.5), own_language_share=_interval(0.5, 0.05),
                          train_steps=0 if strategy == "baseline" else STEPS)


def write_result(folder: Path, differences: dict[tuple[str, str], float], half_width: float = 0.01,
                 seeds: tuple[int, ...] = (0,)) -> Path:
    """A result.json whose hybrid - other differences are the given means (+- half_width), per seed
    (a later seed's mean is negated, so seeds can disagree)."""
    result = ReproductionResult(
        config_name="unit", config={}, seeds=list(seeds), model_spec="tiny-model", model_sha256="0" * 64, data_sha256={},
        code_version="test", machine="test", device="cpu", started_at="2026-01-01T00:00:00Z", wall_time_s=1.0,
        results=[_strategy(s) for s in ("baseline", "monolingual", "cross_lingual", "hybrid")],
        differences=[Difference(metric=metric, eval_dataset="xquad-r", strategy="hybrid", other=other, seed=seed,
                                difference=_interval(mean if index == 0 else -mean, half_width))
                     for (metric, other), mean in differences.items() for index, seed in enumerate(seeds)],
        substitutions=["tiny-model instead of XLM-R and LaBSE", "trained on MLQA-R instead of translated SQuAD"],
    )
    (folder / "cpu").mkdir(parents=True)
    path = folder / "cpu" / "result.json"
    path.write_text(result.model_dump_json())
    return path


def test_routing_and_reading_of_claims():
    assert is_reproduction_claim(BEST) and is_reproduction_claim(BIAS)
    assert not is_reproduction_claim("Hybrid batches reach 0.578 mAP on XQuAD-R.")
    assert {(c.other, c.metric) for c in checks_of(BEST)} == {("monolingual", "multilingual_map"),
                                                              ("cross_lingual", "multilingual_map")}
    assert [(c.other, c.metric, c.expected) for c in checks_of(BIAS)] == [("monolingual", "rank_distance", "better")]


@pytest.mark.parametrize("means, verdict", [
    ({("multilingual_map", "monolingual"): 0.05, ("multilingual_map", "cross_lingual"): 0.03}, "supported"),
    ({("multilingual_map", "monolingual"): 0.05, ("multilingual_map", "cross_lingual"): -0.04}, "refuted"),
    ({("multilingual_map", "monolingual"): 0.05, ("multilingual_map", "cross_lingual"): 0.004}, "insufficient_evidence"),
])
def test_verdict_follows_the_measured_intervals(tmp_path: Path, means, verdict):
    write_result(tmp_path, means)
    judgement = verify_reproduction(BEST, tmp_path, policy=ONE_SEED)
    assert judgement.verdict == verdict
    assert "tiny-model" in judgement.rationale and "substitutions are listed in the result file" in judgement.rationale
    assert all(e.paper_id == "reproduction:cpu" for e in judgement.evidence)
    assert [(c.channel, c.decides) for c in judgement.checks] == [("reproduction", True)]


def test_a_run_below_the_strength_rule_is_reported_but_does_not_decide(tmp_path: Path):
    write_result(tmp_path, {("multilingual_map", "monolingual"): 0.05, ("multilingual_map", "cross_lingual"): -0.04})
    judgement = verify_reproduction(BEST, tmp_path)
    assert judgement.verdict == "insufficient_evidence"
    assert "1 seed(s)" in judgement.rationale and "it would be 'refuted'" in judgement.rationale
    assert "-0.0400" in judgement.rationale, "the measured difference is still reported"
    (check,) = judgement.checks
    assert check.outcome == "contradicts" and not check.decides


def test_lower_rank_distance_supports_reduced_bias(tmp_path: Path):
    write_result(tmp_path, {("rank_distance", "monolingual"): -2.0}, half_width=0.5)
    assert verify_reproduction(BIAS, tmp_path, policy=ONE_SEED).verdict == "supported"
    increased = verify_reproduction(BIAS.replace("reduces", "increases"), tmp_path, policy=ONE_SEED)
    assert increased.verdict == "refuted"


def test_no_result_file_gives_insufficient_evidence_with_the_reason(tmp_path: Path):
    judgement = verify_reproduction(BEST, tmp_path)
    assert judgement.verdict == "insufficient_evidence" and "no reproduction result file" in judgement.rationale
    (tmp_path / "gpu").mkdir()
    (tmp_path / "gpu" / "result.json").write_text("{not json")
    broken = verify_reproduction(BEST, tmp_path)
    assert broken.verdict == "insufficient_evidence" and "unreadable result file" in broken.rationale


def test_rationales_name_result_files_relative_to_the_repository(tmp_path: Path, monkeypatch):
    monkeypatch.setattr("synth.settings.REPO_ROOT", tmp_path)
    results_dir = tmp_path / "reproductions" / "results"
    results_dir.mkdir(parents=True)
    empty = verify_reproduction(BEST, results_dir)
    assert "under reproductions/results:" in empty.rationale and str(tmp_path) not in empty.rationale
    (results_dir / "gpu").mkdir()
    (results_dir / "gpu" / "result.json").write_text("{not json")
    broken = verify_reproduction(BEST, results_dir)
    assert broken.rationale.startswith("gpu/result.json: unreadable") and str(tmp_path) not in broken.rationale
    write_result(results_dir, {("multilingual_map", "monolingual"): 0.01})
    missing = verify_reproduction(BIAS, results_dir)
    assert "under reproductions/results hold" in missing.rationale and str(tmp_path) not in missing.rationale


def test_a_result_without_the_needed_difference_says_what_is_missing(tmp_path: Path):
    write_result(tmp_path, {("monolingual_map", "monolingual"): 0.01})
    judgement = verify_reproduction(BIAS, tmp_path)
    assert judgement.verdict == "insufficient_evidence" and "rank_distance" in judgement.rationale


def test_every_seed_is_shown_and_disagreeing_seeds_decide_nothing(tmp_path: Path):
    write_result(tmp_path, {("rank_distance", "monolingual"): -2.0}, half_width=0.5, seeds=(0, 1))
    judgement = verify_reproduction(BIAS, tmp_path)
    assert judgement.verdict == "insufficient_evidence"
    assert "seed 0" in judgement.rationale and "seed 1" in judgement.rationale and "1 open" in judgement.rationale


def test_a_claim_about_models_the_run_did_not_use_is_left_undecided(tmp_path: Path):
    write_result(tmp_path, {("multilingual_map", "monolingual"): 0.05, ("multilingual_map", "cross_lingual"): -0.04})
    claim = "Hybrid batch sampling is better than the other two baseline batch sampling methods when using XLM-R and LaBSE."
    judgement = verify_reproduction(claim, tmp_path, policy=ONE_SEED)
    assert judgement.verdict == "insufficient_evidence"
    assert "XLM-R, LaBSE, which no reproduction run measured" in judgement.rationale
    assert "measured instead: run 'unit'" in judgement.rationale and "model tiny-model" in judgement.rationale
    assert "read as: hybrid better than monolingual batches, cross-lingual batches" in judgement.rationale
    assert [(c.outcome, c.decides) for c in judgement.checks] == [("not_applicable", False)]


@pytest.mark.parametrize("claim, unmeasured", [
    ("Hybrid batches give the best multilingual retrieval on MIRACL.", "MIRACL"),
    ("Hybrid batch training improves multilingual retrieval for Thai and Swahili.", "th, sw"),
])
def test_a_claim_about_data_or_languages_no_run_measured_is_out_of_scope(tmp_path: Path, claim, unmeasured):
    write_result(tmp_path, {("multilingual_map", "monolingual"): 0.05, ("multilingual_map", "cross_lingual"): 0.05,
                            ("multilingual_map", "baseline"): 0.05})
    judgement = verify_reproduction(claim, tmp_path, policy=ONE_SEED)
    assert judgement.verdict == "insufficient_evidence"
    assert f"about {unmeasured}, which no reproduction run measured" in judgement.rationale


def test_without_sacrificing_a_setting_is_read_as_a_comparison_there(tmp_path: Path):
    claim = "Hybrid batch training improves multilingual retrieval without sacrificing monolingual quality."
    assert [(c.other, c.metric, c.expected) for c in checks_of(claim)] == [
        ("baseline", "multilingual_map", "better"), ("monolingual", "monolingual_map", "comparable")]
    write_result(tmp_path, {("multilingual_map", "baseline"): 0.2, ("monolingual_map", "monolingual"): -0.04})
    judgement = verify_reproduction(claim, tmp_path, policy=ONE_SEED)
    assert judgement.verdict == "refuted", "monolingual mAP fell: the 'without sacrificing' part is contradicted"
