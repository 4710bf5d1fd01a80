"""`synth reproduce ...` end to end on generated data with a tiny model, and its bad-input messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
import yaml
from typer.testing import CliRunner

from synth.cli import app
from synth.errors import ConfigError, DataError
from synth.reproduce.config import load_config
from synth.reproduce.result import ReproductionResult
from synth.settings import REPO_ROOT
from tests.support.lareqa import write_lareqa_fixture
from tests.support.tiny_encoder import save_tiny_encoder

CONFIGS = REPO_ROOT / "reproductions" / "hybrid_batch"
runner = CliRunner()


@pytest.fixture(scope="module")
def assets(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("cli")
    return save_tiny_encoder(root / "model"), write_lareqa_fixture(root / "data")


def tiny_config(tmp_path: Path, model_dir: Path, **changes) -> Path:
    """reproductions/hybrid_batch/tiny.yaml with the tiny model (and any changes)."""
    config = yaml.safe_load((CONFIGS / "tiny.yaml").read_text())
    config.update(model=str(model_dir), **changes)
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=True)


def test_tiny_config_end_to_end_then_resume(assets, tmp_path: Path, synth_home: Path) -> None:
    model_dir, data_dir = assets
    out = tmp_path / "out"
    args = ("reproduce", "hybrid-batch", "--config", str(tiny_config(tmp_path, model_dir)), "--data", str(data_dir),
            "--out", str(out))
    done = invoke(*args)
    assert done.exit_code == 0, done.output
    result = ReproductionResult.model_validate_json((out / "result.json").read_text())
    assert [r.strategy for r in result.results] == ["baseline", "monolingual", "cross_lingual", "hybrid"]
    assert all(r.eval_dataset == "xquad-r" and r.train_dataset in (None, "mlqa-r") for r in result.results)
    assert {r.train_steps for r in result.results[1:]} == {6}
    assert result.results[1].monolingual_batch_share == 1.0 and result.results[2].monolingual_batch_share == 0.0
    assert 0 < result.results[3].monolingual_batch_share < 1
    assert set(result.data_sha256) == {f"{d}/{lang}.json" for d in ("mlqa-r", "xquad-r") for lang in ("de", "en", "es", "zh")}
    assert result.model_sha256 and result.code_version and result.machine and result.wall_time_s > 0
    assert any("Initial model" in s for s in result.substitutions) and any("zero-shot" in s for s in result.substitutions)
    assert {(d.strategy, d.other) for d in result.differences} >= {("hybrid", "monolingual"), ("hybrid", "cross_lingual")}
    for record in result.results:
        assert 0 < record.multilingual_map.mean <= 1 and record.rank_distance.mean >= 0
        assert set(record.pair_map) == {"en", "de", "es", "zh"}
    assert sorted(p.name for p in (out / "figures").glob("*.png")) == [
        "map_by_strategy.png", "pair_heatmap.png", "rank_distance.png"]
    assert all(p.stat().st_size > 5000 for p in (out / "figures").glob("*.png"))
    summary = (out / "summary.md").read_text()
    assert "| hybrid - monolingual | multilingual mAP |" in summary and "Answers:" in summary

    first = (out / "work" / "mlqa-r-hybrid-seed0" / "result.json").read_text()
    again = invoke(*args)
    assert again.exit_code == 0, again.output
    assert (out / "work" / "mlqa-r-hybrid-seed0" / "result.json").read_text() == first, "finished runs are reused"
    rerun = ReproductionResult.model_validate_json((out / "result.json").read_text())
    assert rerun.results == result.results

    changed = invoke("reproduce", "hybrid-batch", "--config", str(tiny_config(tmp_path, model_dir, seeds=[1])),
                     "--data", str(data_dir), "--out", str(out))
    assert isinstance(changed.exception, ConfigError) and "different config" in str(changed.exception)


def test_eval_command_json(assets, synth_home: Path) -> None:
    model_dir, data_dir = assets
    done = runner.invoke(app, ["reproduce", "eval", "--model", str(model_dir), "--dataset", "mlqa-r",
                               "--languages", "en,de", "--data", str(data_dir), "--json"])
    assert done.exit_code == 0, done.output
    record = json.loads(done.stdout)
    assert record["languages"] == ["en", "de"] and record["strategy"] == "baseline"
    assert set(record["pair_map"]["en"]) == {"en", "de"}


def test_config_typo_names_the_field(tmp_path: Path) -> None:
    config = yaml.safe_load((CONFIGS / "cpu.yaml").read_text())
    config["train"]["learning_rat"] = 1e-4
    config["eval"]["batch_size"] = 0
    path = tmp_path / "typo.yaml"
    path.write_text(yaml.safe_dump(config))
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert "train.learning_rat: unknown field" in message and "eval.batch_size" in message and str(path) in message


def test_unknown_language_in_config(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"name": "x", "train": {"steps": 1, "batch_size": 2, "learning_rate": 1e-4,
                                                           "languages": ["en", "klingon"]}}))
    with pytest.raises(ConfigError, match="train.languages.*klingon"):
        load_config(path)


@pytest.mark.parametrize("name", ["tiny", "cpu", "gpu"])
def test_shipped_configs_are_valid(name: str) -> None:
    config = load_config(CONFIGS / f"{name}.yaml")
    if name == "gpu":
        assert len(config.seeds) >= 3 and config.train.languages is None and config.eval.max_articles is None
    if name == "cpu":
        assert set(config.strategies) == {"monolingual", "cross_lingual", "hybrid"}


def test_missing_data_folder(assets, tmp_path: Path, synth_home: Path) -> None:
    done = invoke("reproduce", "hybrid-batch", "--config", str(tiny_config(tmp_path, assets[0])),
                  "--data", str(tmp_path / "missing"), "--out", str(tmp_path / "out"))
    assert isinstance(done.exception, DataError)
    assert "--data" in str(done.exception) and "xquad-r/<lang>.json" in str(done.exception)


def test_missing_language_file_strict(assets, tmp_path: Path, synth_home: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(assets[1], data)
    (data / "mlqa-r" / "es.json").unlink()
    done = invoke("reproduce", "hybrid-batch", "--config", str(tiny_config(tmp_path, assets[0])),
                  "--data", str(data), "--out", str(tmp_path / "out"), "--strict")
    assert isinstance(done.exception, DataError) and "es.json" in str(done.exception)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message on machines without CUDA")
def test_cuda_without_cuda(assets, tmp_path: Path) -> None:
    done = invoke("reproduce", "hybrid-batch", "--config", str(tiny_config(tmp_path, assets[0])), "--device", "cuda")
    assert isinstance(done.exception, ConfigError) and "--device cpu" in str(done.exception)


def test_unknown_model_spec(assets, tmp_path: Path, synth_home: Path) -> None:
    done = invoke("reproduce", "eval", "--model", str(tmp_path / "no-such-model"), "--dataset", "xquad-r",
                  "--data", str(assets[1]))
    assert isinstance(done.exception, ConfigError) and "no-such-model" in str(done.exception)


def test_summary_fills_only_the_marked_block(assets, tmp_path: Path) -> None:
    from synth.reproduce.summary import END, START, fill_readme

    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{START}\nold\n{END}\noutro\n")
    assert fill_readme(readme, "new table\n")
    assert readme.read_text() == f"intro\n{START}\nnew table\n{END}\noutro\n"
    plain = tmp_path / "PLAIN.md"
    plain.write_text("no markers")
    assert not fill_readme(plain, "x") and plain.read_text() == "no markers"


@pytest.mark.parametrize(
    ("metric", "low", "high", "expected"),
    [("multilingual_map", 0.01, 0.02, "higher"), ("multilingual_map", -0.01, 0.02, "no significant"),
     ("rank_distance", -3.0, -1.0, "less language bias"), ("monolingual_map", -0.2, -0.1, "lower")],
)
def test_summary_reading_of_intervals(metric: str, low: float, high: float, expected: str) -> None:
    from synth.reproduce.result import Difference, Interval
    from synth.reproduce.summary import reading

    difference = Difference(metric=metric, eval_dataset="xquad-r", strategy="hybrid", other="monolingual",
                            difference=Interval(mean=(low + high) / 2, low=low, high=high))
    assert reading(difference).startswith(expected)
