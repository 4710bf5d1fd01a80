"""PNG figures of a ReproductionResult (matplotlib, Agg backend: no display needed).

With several seeds a bar shows the mean over seeds of the point estimates and
its error bar the mean of the per-seed bootstrap interval bounds.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from synth.files import atomic_file  # noqa: E402
from synth.reproduce.result import ReproductionResult, StrategyResult  # noqa: E402

STRATEGY_ORDER = ("baseline", "monolingual", "cross_lingual", "hybrid")
SETTINGS = (("multilingual_map", "multilingual"), ("cross_lingual_map", "cross-lingual"), ("monolingual_map", "monolingual"))


def grouped(result: ReproductionResult) -> dict[str, dict[str, list[StrategyResult]]]:
    """eval dataset -> strategy (in display order) -> its records (one per seed)."""
    groups: dict[str, dict[str, list[StrategyResult]]] = defaultdict(lambda: defaultdict(list))
    for record in result.results:
        groups[record.eval_dataset][record.strategy].append(record)
    return {name: {s: by[s] for s in STRATEGY_ORDER if s in by} for name, by in groups.items()}


def seed_mean(records: list[StrategyResult], metric: str) -> tuple[float, float, float]:
    """(mean, mean low, mean high) of ``metric`` over seeds."""
    values = [getattr(r, metric) for r in records]
    return (float(np.mean([v.mean for v in values])), float(np.mean([v.low for v in values])),
            float(np.mean([v.high for v in values])))


def save(figure: plt.Figure, path: Path) -> Path:
    """Atomic PNG write."""
    with atomic_file(path) as handle:
        figure.savefig(handle, format="png", dpi=120, bbox_inches="tight")
    plt.close(figure)
    return path


def bar_panel(axis: plt.Axes, by_strategy: dict[str, list[StrategyResult]], metrics: tuple[tuple[str, str], ...]) -> None:
    width = 0.8 / max(1, len(by_strategy))
    positions = np.arange(len(metrics))
    for offset, (strategy, records) in enumerate(by_strategy.items()):
        stats = np.array([seed_mean(records, metric) for metric, _ in metrics])
        errors = np.abs(np.vstack([stats[:, 0] - stats[:, 1], stats[:, 2] - stats[:, 0]]))
        axis.bar(positions + offset * width, stats[:, 0], width, yerr=errors, capsize=3, label=strategy)
    axis.set_xticks(positions + width * (len(by_strategy) - 1) / 2, [label for _, label in metrics])


def map_by_strategy(result: ReproductionResult, path: Path) -> Path:
    groups = grouped(result)
    figure, axes = plt.subplots(1, len(groups), figsize=(6 * len(groups), 4), squeeze=False)
    for axis, (eval_name, by_strategy) in zip(axes[0], groups.items()):
        bar_panel(axis, by_strategy, SETTINGS)
        axis.set_title(f"mAP on {eval_name} (95% bootstrap CI)")
        axis.set_ylabel("mAP")
        axis.legend(fontsize=8)
    return save(figure, path)


def rank_distance(result: ReproductionResult, path: Path) -> Path:
    groups = grouped(result)
    figure, axes = plt.subplots(1, len(groups), figsize=(5 * len(groups), 4), squeeze=False)
    for axis, (eval_name, by_strategy) in zip(axes[0], groups.items()):
        bar_panel(axis, by_strategy, (("rank_distance", "rank distance"),))
        axis.set_title(f"Language bias on {eval_name} (lower is better)")
        axis.set_ylabel("mean |rank difference| of parallel answers")
        axis.legend(fontsize=8)
    return save(figure, path)


def pair_matrix(records: list[StrategyResult]) -> tuple[list[str], np.ndarray]:
    languages = records[0].languages
    matrix = np.array([[np.mean([r.pair_map.get(x, {}).get(y, np.nan) for r in records]) for y in languages]
                       for x in languages])
    return languages, matrix


def pair_heatmap(result: ReproductionResult, path: Path) -> Path:
    panels = [(eval_name, strategy, records) for eval_name, by in grouped(result).items() for strategy, records in by.items()]
    columns = min(4, len(panels))
    rows = int(np.ceil(len(panels) / columns))
    figure, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 3.8 * rows), squeeze=False)
    for axis in axes.flat[len(panels):]:
        axis.axis("off")
    for index, (axis, (eval_name, strategy, records)) in enumerate(zip(axes.flat, panels)):
        languages, matrix = pair_matrix(records)
        image = axis.imshow(matrix, vmin=0, vmax=1, cmap="viridis")
        axis.set_xticks(range(len(languages)), languages, fontsize=7)
        axis.set_yticks(range(len(languages)), languages, fontsize=7)
        axis.set_xlabel("pool language")
        if index % columns == 0:
            axis.set_ylabel("query language")
        axis.set_title(f"{strategy} on {eval_name}", fontsize=9)
        if len(languages) <= 7:
            for (i, j), value in np.ndenumerate(matrix):
                axis.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=6, color="white")
    figure.colorbar(image, ax=axes.ravel().tolist(), shrink=0.8, label="mAP")
    return save(figure, path)


def write_figures(result: ReproductionResult, folder: Path) -> list[Path]:
    """The three figures of a result: mAP by strategy/setting, pair heatmaps, rank distance."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        map_by_strategy(result, folder / "map_by_strategy.png"),
        pair_heatmap(result, folder / "pair_heatmap.png"),
        rank_distance(result, folder / "rank_distance.png"),
    ]
