"""Telling English claims from claims in other languages (synth.text.language)."""

from __future__ import annotations

import pytest

from synth.text.language import english_function_share, latin_share, reads_as_english


@pytest.mark.parametrize("claim", [
    "Das hybride Training verbessert die mehrsprachige Leistung auf XQuAD-R deutlich.",
    "L'entraînement hybride améliore la performance multilingue sur XQuAD-R.",
    "El entrenamiento híbrido mejora el rendimiento multilingüe en XQuAD-R.",
    "De hybride training verbetert de prestaties op XQuAD-R niet.",
    "混合批次在多语言检索中取得了最好的平均精度。",
])
def test_claims_in_other_languages_do_not_read_as_english(claim: str) -> None:
    assert not reads_as_english(claim, 0.5, 0.5)


@pytest.mark.parametrize("claim", [
    "Hybrid training improves multilingual mAP on XQuAD-R by 0.012.",
    "BERT gets 93.2 F1 on SQuAD.",
    "La Forge et al. propose a model for the task.",
    "0.62",
])
def test_english_claims_and_bare_names_read_as_english(claim: str) -> None:
    assert reads_as_english(claim, 0.5, 0.5)


def test_shares_count_letters_and_function_words() -> None:
    assert latin_share("abc混合") == pytest.approx(0.6)
    assert english_function_share("the model und der Text") == pytest.approx(1 / 3)
