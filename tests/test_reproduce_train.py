"""Training loop: resume after a kill equals an uninterrupted run; NaN stops
cleanly with the last good checkpoint; DDP through torchrun (gloo, 2 CPU ranks)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import torch
import yaml

from synth.reproduce.data import load_dataset
from synth.reproduce.encoder import load_encoder
from synth.reproduce.samplers import PairBatchSampler, example_pools
from synth.reproduce.splits import training_view
from synth.reproduce.train import CHECKPOINT_NAME, TrainingDiverged, TrainSettings, checkpoint_step, train_encoder
from synth.settings import REPO_ROOT, Settings
from tests.support.lareqa import MLQA_LANGUAGES, write_lareqa_fixture
from tests.support.tiny_encoder import save_tiny_encoder

SETTINGS = TrainSettings(steps=6, learning_rate=1e-3, warmup_steps=2, max_query_length=16, max_passage_length=16,
                         checkpoint_every=2, seed=3, freeze_word_embeddings=True)
CPU = torch.device("cpu")


class Killed(Exception):
    """Stands in for SIGKILL in the middle of a run."""


@pytest.fixture(scope="module")
def assets(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("train")
    return save_tiny_encoder(root / "model"), write_lareqa_fixture(root / "data")


@pytest.fixture(scope="module")
def sampler(assets: tuple[Path, Path]) -> PairBatchSampler:
    dataset = training_view(load_dataset(assets[1], "mlqa-r", list(MLQA_LANGUAGES)))
    return PairBatchSampler(example_pools(dataset), "hybrid", batch_size=4, seed=SETTINGS.seed)


def fresh(model_dir: Path, tmp_path: Path):
    return load_encoder(str(model_dir), Settings(home=tmp_path / "home"), "cpu")


def kill_at(step: int):
    def hook(done: int, encoder) -> None:
        if done == step:
            raise Killed

    return hook


def test_resume_after_kill_equals_uninterrupted_run(assets, sampler, tmp_path: Path) -> None:
    model_dir, _ = assets
    straight = fresh(model_dir, tmp_path)
    full = train_encoder(straight, sampler, SETTINGS, tmp_path / "straight", CPU, progress=False)

    interrupted = fresh(model_dir, tmp_path)
    with pytest.raises(Killed):
        train_encoder(interrupted, sampler, SETTINGS, tmp_path / "resumed", CPU, progress=False, after_step=kill_at(3))
    assert checkpoint_step(tmp_path / "resumed" / CHECKPOINT_NAME) == 2

    resumed_encoder = fresh(model_dir, tmp_path)  # a new process starts from the initial weights
    resumed = train_encoder(resumed_encoder, sampler, SETTINGS, tmp_path / "resumed", CPU, progress=False)
    assert resumed.resumed_from == 2
    assert resumed.losses == full.losses
    for (name, expected), (_, got) in zip(straight.state_dict().items(), resumed_encoder.state_dict().items()):
        assert torch.equal(expected, got), name
    untouched = fresh(model_dir, tmp_path)
    changed = [n for n, p in untouched.named_parameters() if not torch.equal(p, dict(straight.named_parameters())[n])]
    assert changed and not any("word_embeddings" in name for name in changed)


def test_non_finite_loss_stops_and_keeps_last_good_checkpoint(assets, sampler, tmp_path: Path) -> None:
    encoder = fresh(assets[0], tmp_path)

    def poison(done: int, model) -> None:
        if done == 3:
            with torch.no_grad():
                next(p for n, p in model.named_parameters() if "attention" in n).fill_(float("nan"))

    with pytest.raises(TrainingDiverged) as error:
        train_encoder(encoder, sampler, SETTINGS, tmp_path / "run", CPU, progress=False, after_step=poison)
    message = str(error.value)
    assert "step 4" in message and "step 2" in message and "learning_rate" in message
    stored = torch.load(tmp_path / "run" / CHECKPOINT_NAME, weights_only=False)
    assert stored["step"] == 2
    assert all(torch.isfinite(tensor).all() for tensor in stored["model"].values())


@pytest.mark.slow
def test_ddp_with_torchrun_on_two_cpu_processes(assets, tmp_path: Path) -> None:
    model_dir, data_dir = assets
    config = yaml.safe_load((REPO_ROOT / "reproductions/hybrid_batch/tiny.yaml").read_text())
    config.update(model=str(model_dir), strategies=["hybrid"])
    config_path = tmp_path / "tiny.yaml"
    config_path.write_text(yaml.safe_dump(config))
    torchrun = shutil.which("torchrun") or pytest.skip("torchrun not installed")
    command = [torchrun, "--standalone", "--nproc_per_node", "2", "-m", "synth.reproduce", "hybrid-batch",
               "--config", str(config_path), "--data", str(data_dir), "--out", str(tmp_path / "out"), "--device", "cpu"]
    env = {**os.environ, "SYNTH_HOME": str(tmp_path / "home"), "OMP_NUM_THREADS": "1"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads((tmp_path / "out" / "result.json").read_text())
    assert result["world_size"] == 2
    trained = [r for r in result["results"] if r["strategy"] == "hybrid"]
    assert trained and trained[0]["train_steps"] == config["train"]["steps"]
