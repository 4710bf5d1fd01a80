"""A tiny random BERT saved as a local Hugging Face folder, for fast unit tests.

It loads through ``synth.reproduce.encoder.load_encoder`` like any local model
folder; the WordLevel tokenizer covers the fixture vocabulary of
``tests.support.lareqa``.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

from tests.support.lareqa import fixture_vocabulary

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]
CONVENTIONS = {"pooling": "mean", "query_prefix": "query: ", "passage_prefix": "passage: "}


def tiny_tokenizer(words: list[str]) -> PreTrainedTokenizerFast:
    vocab = {token: index for index, token in enumerate(SPECIAL_TOKENS + words)}
    tokenizer = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]"
    )


def save_tiny_encoder(folder: Path, seed: int = 0, hidden: int = 32, layers: int = 2) -> Path:
    """Write a random BertModel (``hidden`` wide, ``layers`` deep) and its tokenizer to ``folder``."""
    torch.manual_seed(seed)
    tokenizer = tiny_tokenizer(fixture_vocabulary())
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=2,
        intermediate_size=2 * hidden,
        max_position_embeddings=64,
        pad_token_id=0,
    )
    BertModel(config, add_pooling_layer=False).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    (Path(folder) / "synth_encoder.json").write_text(json.dumps(CONVENTIONS))
    return Path(folder)
