"""The report's reproduction section: committed (or fresh) result.json files
turned into measured-next-to-claimed rows (the paper's claims, decided by
synth.studies.hybrid_batch.outcome like the verifier's verdicts), with their
figures copied beside the report so every format can embed them."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from synth.files import display_path
from synth.report.document import Limitation
from synth.reproduce.result import Interval, ReproductionResult
from synth.studies.hybrid_batch.outcome import Check, outcome_of
from synth.studies.hybrid_batch.records import ComparisonRow, Figure, Reproduction, StrategyRow

PREFERRED_RUNS = ("gpu", "cpu")
"""Which committed run to show when several exist: the full protocol first."""


@dataclass(frozen=True)
class PaperClaim:
    """One comparison arXiv 2408.10536 states, as a check on a measured hybrid - other difference."""

    text: str
    check: Check


def _claim(text: str, metric: str, other: str, expected: str = "better") -> PaperClaim:
    return PaperClaim(text, Check(other=other, metric=metric, eval_dataset=None, expected=expected))


PAPER_CLAIMS = (
    _claim("Hybrid batches give better multilingual retrieval than monolingual batches", "multilingual_map", "monolingual"),
    _claim("Hybrid batches give better multilingual retrieval than cross-lingual batches", "multilingual_map",
           "cross_lingual"),
    _claim("Hybrid batches give better cross-lingual retrieval than monolingual batches", "cross_lingual_map",
           "monolingual"),
    _claim("Hybrid batches give better monolingual retrieval than cross-lingual batches", "monolingual_map",
           "cross_lingual"),
    _claim("Hybrid batches reduce language bias (rank distance) compared with monolingual batches", "rank_distance",
           "monolingual"),
)

TABLE_OUTCOMES = {"confirmed": "agrees", "contradicted": "contradicts", "open": "inconclusive"}
"""How the comparison table words an outcome (ComparisonRow.outcome)."""


def table_outcome(interval: Interval, check: Check) -> str:
    """The comparison table's word for ``outcome_of``: the verdict's own rule."""
    return TABLE_OUTCOMES[outcome_of(interval, check)]


def find_result(results_dir: Path) -> Path | None:
    """The result.json to show: gpu/, then cpu/, then any other run folder."""
    if not results_dir.is_dir():
        return None
    candidates = sorted(results_dir.glob("*/result.json")) + sorted(results_dir.glob("result.json"))
    ranked = sorted(candidates, key=lambda path: (
        PREFERRED_RUNS.index(path.parent.name) if path.parent.name in PREFERRED_RUNS else len(PREFERRED_RUNS)))
    return ranked[0] if ranked else None


def _strategy_rows(result: ReproductionResult) -> list[StrategyRow]:
    return [
        StrategyRow(
            eval_dataset=item.eval_dataset, strategy=item.strategy, train_dataset=item.train_dataset,
            multilingual_map=item.multilingual_map, cross_lingual_map=item.cross_lingual_map,
            monolingual_map=item.monolingual_map, rank_distance=item.rank_distance,
        )
        for item in result.results
    ]


def _comparison_rows(result: ReproductionResult) -> list[ComparisonRow]:
    rows = []
    for claim in PAPER_CLAIMS:
        for difference in result.differences:
            check = claim.check
            if (difference.metric, difference.strategy, difference.other) == (check.metric, "hybrid", check.other):
                rows.append(ComparisonRow(
                    claimed=claim.text, eval_dataset=difference.eval_dataset, metric=check.metric,
                    measured=difference.difference, outcome=table_outcome(difference.difference, check),
                ))
    return rows


FIGURE_CAPTIONS = {
    "map_by_strategy": "mAP of each strategy in the multilingual, cross-lingual and monolingual settings "
                       "(error bars: bootstrap 95% intervals)",
    "pair_heatmap": "Cross-lingual mAP for every query language (rows) and pool language (columns), per strategy",
    "rank_distance": "Language bias: rank distance between the parallel relevant answers in the multilingual pool "
                     "(lower is less bias)",
}
"""Captions of the figures synth.reproduce.figures writes; others are named after their file."""


def _caption(figure: Path) -> str:
    return FIGURE_CAPTIONS.get(figure.stem, figure.stem.replace("_", " ").replace("-", " ").capitalize())


def _copy_figures(result_path: Path, out: Path) -> list[Figure]:
    """Copy the run's PNGs (beside result.json or in figures/) to ``out/figures``;
    paths in report.json are relative to ``out``."""
    figures = []
    folder = result_path.parent
    for png in sorted(folder.glob("*.png")) + sorted(folder.glob("figures/*.png")):
        target = out / "figures" / f"{folder.name}-{png.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(png, target)
        figures.append(Figure(path=target.relative_to(out).as_posix(), caption=_caption(png)))
    return figures


def load_reproduction(result_path: Path, out: Path, shown_as: str) -> Reproduction:
    """Build the section from one result.json; ``shown_as`` is how the report names its path."""
    result = ReproductionResult.model_validate_json(result_path.read_text(encoding="utf-8"))
    return Reproduction(
        config_name=result.config_name, model_spec=result.model_spec, device=result.device,
        seeds=result.seeds, wall_time_s=result.wall_time_s, result_path=shown_as,
        model_sha256=result.model_sha256, data_sha256=result.data_sha256,
        substitutions=result.substitutions, strategies=_strategy_rows(result),
        comparisons=_comparison_rows(result), figures=_copy_figures(result_path, out),
    )


def cached_reproduction(results_dir: Path, out: Path) -> tuple[Reproduction | None, list[Limitation]]:
    """The committed run under ``results_dir``, or a limitation saying why there is none."""
    result_path = find_result(results_dir)
    if result_path is None:
        return None, [Limitation(what="Reproduction", why=f"no result.json under {display_path(results_dir)}; run `synth reproduce` or pass --reproduce cpu")]
    try:
        return load_reproduction(result_path, out, display_path(result_path)), []
    except (ValidationError, ValueError, OSError) as error:
        return None, [Limitation(what="Reproduction", why=f"{result_path} is unreadable ({type(error).__name__}); regenerate it with synth reproduce")]
