"""Rankings of two things in one sentence (synth.text.comparisons.ranking_of) and a passage that ranks them the other way."""

from __future__ import annotations

import pytest

from synth.models.judge import ScoredCandidate, claim_features
from synth.text.comparisons import ranking_conflict, ranking_of

DSSM = ("In our experiments, we found that learning two separate neural networks, one for the query and one for "
        "the document title, gives better performance than sharing the same neural network for both.")
XLNET = ("Meanwhile, it is also interesting to see that the DAE trained Transformer-XL achieves better performance "
         "than BERT on tasks with long text such as RACE and SQuAD.")


def test_the_sides_are_split_at_the_comparative_and_its_than() -> None:
    ranking = ranking_of("In COCO image annotation, combine-skip achieves a higher R@1 than m-RNN.")
    assert (ranking.subject.strip(), ranking.baseline.strip(), ranking.scale, ranking.sign) == (
        "In COCO image annotation, combine-skip achieves a", "m-RNN.", "size", 1)


def test_a_negated_verb_flips_and_a_passive_swaps_the_sides() -> None:
    assert ranking_of("QANet does not beat BiDAF.").sign == -1
    passive = ranking_of("BiDAF is outperformed by QANet on AddSent.")
    assert "QANet" in passive.subject and "BiDAF" in passive.baseline and passive.sign == 1


def test_an_aside_in_parentheses_is_not_a_side() -> None:
    ranking = ranking_of("A title-only BM25 ranker beats a body-only one (NDCG@1 0.305 vs 0.275).")
    assert "body-only" in ranking.baseline and "0.275" not in ranking.baseline


def test_a_short_aside_naming_a_side_stays_on_it() -> None:
    ranking = ranking_of("The neural variant (GrobidNN) gets a better F1 than the CRF one (see Table 2).")
    assert "GrobidNN" in ranking.subject and "Table" not in ranking.baseline


def test_no_comparative_no_ranking() -> None:
    assert ranking_of("The encoder has six layers.") is None


@pytest.mark.parametrize("claim, passage, conflict", [
    ("For DSSM, sharing one network between queries and document titles worked better than using two separate "
     "networks.", DSSM, True),
    ("For DSSM, using two separate networks worked better than sharing one network between queries and document "
     "titles.", DSSM, False),
    ("In XLNet's ablation table, BERT-Base scores higher on RACE than the Transformer-XL trained with the denoising "
     "auto-encoding objective.", XLNET, True),
    ("The DAE-trained Transformer-XL scores higher on RACE than BERT-Base.", XLNET, False),
    ("On RACE, the DAE-trained Transformer-XL is worse than BERT.", XLNET, True),
    ("BERT is outperformed by the DAE-trained Transformer-XL on RACE.", XLNET, False),
    # a lower error is the better model
    ("Hybrid batching gives a lower error than monolingual batching.",
     "Monolingual batching is better than hybrid batching.", True),
    # the passage compares something else: its sides share no words with the claim's
    ("Hybrid batching gives a lower error than monolingual batching.", XLNET, False),
])
def test_a_passage_ranking_the_claims_sides_the_other_way_conflicts(claim: str, passage: str, conflict: bool) -> None:
    assert ranking_conflict(claim, passage) is conflict


def test_the_combiner_sees_the_ranking_conflict() -> None:
    claim = "For DSSM, sharing one network between queries and document titles worked better than two separate networks."
    features = claim_features(claim, [ScoredCandidate(DSSM, 0.7, (0.5, 0.3, 0.2))], scoped=True)
    assert features["direction_conflict"] == 1.0
    agreeing = claim_features(claim.replace("sharing one network", "one network each"),
                              [ScoredCandidate("Sharing one network is common.", 0.7, (0.5, 0.3, 0.2))], scoped=True)
    assert agreeing["direction_conflict"] == 0.0
