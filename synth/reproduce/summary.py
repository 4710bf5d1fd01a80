"""Markdown summary of a result.json: tables, paired differences and the answers
they give, so no number is ever copied into a README by hand.

    python -m synth.reproduce.summary reproductions/hybrid_batch/results/cpu

writes ``summary.md`` there and fills the block between the README's
``<!-- results:start -->`` and ``<!-- results:end -->`` markers, if present.
"""

from __future__ import annotations

import sys
from pathlib import Path

from synth.files import write_text_atomic
from synth.reproduce.result import Difference, Interval, ReproductionResult

START, END = "<!-- results:start -->", "<!-- results:end -->"
METRIC_LABELS = {
    "multilingual_map": "multilingual mAP",
    "cross_lingual_map": "cross-lingual mAP",
    "monolingual_map": "monolingual mAP",
    "rank_distance": "rank distance",
}


def cell(value: Interval, digits: int = 3) -> str:
    return f"{value.mean:.{digits}f} [{value.low:.{digits}f}, {value.high:.{digits}f}]"


def results_table(result: ReproductionResult) -> list[str]:
    lines = ["| strategy | trained on | evaluated on | seed | multilingual mAP | cross-lingual mAP | monolingual mAP "
             "| rank distance | own-language first |", "|---|---|---|---|---|---|---|---|---|"]
    for r in result.results:
        lines.append(
            f"| {r.strategy} | {r.train_dataset or '-'} | {r.eval_dataset} | {'-' if r.seed is None else r.seed} "
            f"| {cell(r.multilingual_map)} | {cell(r.cross_lingual_map)} | {cell(r.monolingual_map)} "
            f"| {cell(r.rank_distance, 1)} | {cell(r.own_language_share)} |"
        )
    return lines


def reading(difference: Difference) -> str:
    """What the paired 95% interval says, in words (for rank distance lower is better)."""
    low, high = difference.difference.low, difference.difference.high
    if low <= 0 <= high:
        return "no significant difference (interval includes 0)"
    higher = low > 0
    if difference.metric == "rank_distance":
        return "more language bias (higher)" if higher else "less language bias (lower)"
    return "higher" if higher else "lower"


def differences_table(result: ReproductionResult) -> list[str]:
    lines = ["| evaluated on | seed | comparison | metric | difference [95% CI] | reading |", "|---|---|---|---|---|---|"]
    for d in result.differences:
        digits = 1 if d.metric == "rank_distance" else 4
        lines.append(
            f"| {d.eval_dataset} | {'-' if d.seed is None else d.seed} | {d.strategy} - {d.other} "
            f"| {METRIC_LABELS[d.metric]} | {cell(d.difference, digits)} | {reading(d)} |"
        )
    return lines


def answers(result: ReproductionResult) -> list[str]:
    """The protocol's two questions, answered from the paired differences."""
    found = {(d.eval_dataset, d.seed, d.strategy, d.other, d.metric): d for d in result.differences}
    lines = []
    for (eval_name, seed, strategy, other, metric), d in sorted(found.items(), key=lambda item: str(item[0])):
        if strategy != "hybrid" or (other, metric) not in {("monolingual", "multilingual_map"),
                                                           ("cross_lingual", "multilingual_map"),
                                                           ("monolingual", "rank_distance")}:
            continue
        lines.append(f"- {eval_name}, seed {seed}: hybrid vs {other}, {METRIC_LABELS[metric]}: "
                     f"{cell(d.difference, 1 if metric == 'rank_distance' else 4)} -> {reading(d)}.")
    return lines


def render(result: ReproductionResult) -> str:
    parts = [
        f"Measured by `{result.config_name}` on {result.started_at} ({result.wall_time_s / 60:.1f} min wall, "
        f"{result.device}; {result.machine}); code {result.code_version}; model {result.model_spec} "
        f"(sha256 {result.model_sha256[:16]}...).",
        "",
        "Point estimate [bootstrap 95% interval over parallel question groups].",
        "",
        *results_table(result),
        "",
        "Paired bootstrap differences (same resamples for both sides):",
        "",
        *differences_table(result),
        "",
        "Answers:",
        "",
        *answers(result),
        "",
        "Substitutions (how this run differs from the paper):",
        "",
        *[f"- {s}" for s in result.substitutions],
    ]
    return "\n".join(parts) + "\n"


def fill_readme(readme: Path, summary: str) -> bool:
    """Replace the block between the markers; False when the README has none."""
    text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    if START not in text or END not in text:
        return False
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    write_text_atomic(readme, f"{head}{START}\n{summary}{END}{tail}")
    return True


def main(argv: list[str] | None = None) -> None:
    folder = Path((argv or sys.argv[1:] or ["."])[0])
    result = ReproductionResult.model_validate_json((folder / "result.json").read_text(encoding="utf-8"))
    summary = render(result)
    write_text_atomic(folder / "summary.md", summary)
    filled = fill_readme(folder / "README.md", summary)
    print(f"wrote {folder / 'summary.md'}" + (f" and filled {folder / 'README.md'}" if filled else ""))


if __name__ == "__main__":
    main()
