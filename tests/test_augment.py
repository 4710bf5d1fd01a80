"""Rule-made training variants (synth.models.augment): each transformation changes what the claim
says in the way its label states, and variants never cross a split."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from synth.models import nli_data
from synth.models.augment import AUGMENTED_SUFFIX, augment, change_number, flip_direction, negate, swap_term

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.mark.parametrize(("claim", "negated"), [
    ("BERT outperforms ELMo on SQuAD.", "BERT does not outperform ELMo on SQuAD."),
    ("The model was trained on CIFAR-10.", "The model was not trained on CIFAR-10."),
    ("Smoking cannot cause cancer.", "Smoking can cause cancer."),
    ("Dropout does not help small models.", "Dropout does help small models."),
    ("Temperatures have been rising since 1950.", "Temperatures have not been rising since 1950."),
    ("Vitamin D reduced mortality.", "Vitamin D did not reduce mortality."),
])
def test_negation_adds_or_removes_one_not(claim: str, negated: str) -> None:
    assert negate(claim) == negated


def test_a_sentence_without_auxiliary_or_known_verb_is_not_negated() -> None:
    assert negate("Aspirin for everyone in the trial.") is None


def test_direction_flips_the_first_comparison_word_keeping_its_case() -> None:
    assert flip_direction("Higher learning rates gave lower loss.") == "Lower learning rates gave lower loss."
    assert flip_direction("The drug increases risk.") == "The drug decreases risk."
    assert flip_direction("The drug is used daily.") is None


def test_number_change_touches_only_a_number_the_evidence_states_and_no_year() -> None:
    evidence = "In 2019 the model reached 28.4 BLEU on CIFAR-10 after 200 epochs."
    rng = random.Random(0)
    for _ in range(20):
        changed = change_number("In 2019 it reached 28.4 BLEU after 7 steps.", evidence, rng)
        assert changed is not None and changed.startswith("In 2019 it reached ") and "28.4" not in changed
        assert changed.endswith("BLEU after 7 steps.")
    assert change_number("It reached 30 BLEU.", evidence, rng) is None


def test_term_swap_uses_a_term_the_evidence_lacks() -> None:
    evidence = "BERT reaches 93.2 F1 on SQuAD."
    swapped = swap_term("BERT reaches 93.2 F1 on SQuAD.", evidence, ["SQuAD", "TriviaQA"], random.Random(0))
    assert swapped in {"TriviaQA reaches 93.2 F1 on SQuAD.", "BERT reaches 93.2 F1 on TriviaQA."}
    assert swap_term("It works.", evidence, ["TriviaQA"], random.Random(0)) is None


def test_only_in_domain_entailment_pairs_get_variants_with_their_labels() -> None:
    pairs = [
        nli_data.NliPair("The drug lowers blood pressure in Ebola patients.", "The drug lowers blood pressure in Ebola patients.",
                         nli_data.ENTAILMENT, "scifact", "1"),
        nli_data.NliPair("A man sleeps.", "A man is asleep.", nli_data.ENTAILMENT, "snli", "2"),
        nli_data.NliPair("The drug is safe.", "The drug is unsafe.", nli_data.CONTRADICTION, "healthver", "3"),
        nli_data.NliPair("Measles in Kenya rose.", "Measles is common.", nli_data.ENTAILMENT, "wice", "4"),
    ]
    variants = augment(pairs, seed=1)
    assert variants and {v.group for v in variants} <= {"1", "4"}
    assert all(v.source.endswith(AUGMENTED_SUFFIX) for v in variants)
    assert any(v.label == nli_data.CONTRADICTION for v in variants)
    assert augment(pairs, seed=1) == variants


def test_variants_of_the_training_split_stay_in_it() -> None:
    if not (SHARED_DATA / "scifact").is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    train = nli_data.load_pairs(SHARED_DATA, "train", ["scifact", "healthver"])
    variants = augment(train, seed=13)
    assert len(variants) > 100
    assert all(nli_data.split_of(v.source.removesuffix(AUGMENTED_SUFFIX), v.group) == "train" for v in variants)
