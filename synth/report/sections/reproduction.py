"""Reproduction section: the hybrid-batch run shown in the report (synth.studies.hybrid_batch)."""

from __future__ import annotations

import shutil
from pathlib import Path

from synth.errors import SynthError
from synth.report.document import Limitation
from synth.settings import REPO_ROOT, Settings
from synth.studies.hybrid_batch.records import Reproduction
from synth.studies.hybrid_batch.section import cached_reproduction, load_reproduction


def run_reproduction(mode: str, settings: Settings, data_dir: Path | None, out: Path) -> tuple[Reproduction | None, Path | None, list[Limitation]]:
    """(section, results folder the verifier should read, limitations) for ``--reproduce``.

    ``cached`` shows the committed run; ``cpu``/``gpu`` run the protocol's config
    (resumable, work kept under SYNTH_HOME) and copy result.json and figures to
    ``out/reproduction``.
    """
    if mode == "none":
        return None, None, [Limitation(what="Reproduction", why="not requested (--reproduce none): no reproduction result is used, so no claim is checked against one")]
    if mode == "cached":
        section, limitations = cached_reproduction(settings.results_dir, out)
        return section, settings.results_dir, limitations
    from synth.reproduce.config import load_config
    from synth.reproduce.runner import ReproductionRunner

    config = load_config(REPO_ROOT / "reproductions" / "hybrid_batch" / f"{mode}.yaml")
    work = settings.home / "reproductions" / config.name
    try:
        ReproductionRunner(config, data_dir or settings.lareqa_dir, work, "cuda" if mode == "gpu" else "cpu",
                           settings, progress=False).run()
    except SynthError as error:
        return None, None, [Limitation(what=f"Reproduction ({mode})", why=str(error))]
    shown = out / "reproduction"
    shutil.copytree(work, shown, dirs_exist_ok=True, ignore=shutil.ignore_patterns("work", ".gitignore"))
    return load_reproduction(shown / "result.json", out, "reproduction/result.json"), shown, []
