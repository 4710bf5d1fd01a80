"""The shipped NLI cross-encoder and verdict combiner: file integrity, behaviour, bad files,
the training data splits and a smoke run of the training API."""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest
import torch

from synth.models import fit as fit_module
from synth.models import nli_data
from synth.models.calibration import calibrated_ece, f1_interval, f1_scores, macro_f1_difference
from synth.models.fit import (FOLD_REPEATS, FOLDS, fit_judge, fold_dealings, largest_tie_share, one_standard_error_choice,
                              per_source_f1, selection_score)
from synth.models.judge import FEATURES, VERDICTS, ClaimJudge, ScoredCandidate, claim_features
from synth.models.nli import NliModel, load_nli_model, reliability_diagram, shipped_model_dir
from synth.models.scope import PaperText, PaperVocabulary, distinctive_names, unseen_checks
from synth.models.store import JUDGE_FILE, WEIGHTS_FILE, ModelFileError, dequantize_state, quantize_state, read_card, sha256_of
from synth.verify.nli import unwritten_scope

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
MAX_SHIPPED_BYTES = 25 * 1024 * 1024


def needs_shared_data() -> Path:
    if not (SHARED_DATA / "nli").is_dir():
        pytest.skip(f"shared training data not found at {SHARED_DATA}")
    return SHARED_DATA


def test_shipped_weights_match_their_card_and_fit_the_size_budget():
    folder = shipped_model_dir()
    card = read_card(folder)
    weights = folder / WEIGHTS_FILE
    assert sha256_of(weights) == card["sha256"]
    assert weights.stat().st_size <= MAX_SHIPPED_BYTES
    assert {"pairs", "by_source", "options", "combiner"} <= set(card)
    assert not any(source.startswith("anli") for source in card["by_source"]), "ANLI (CC BY-NC) must not train it"


def test_shipped_model_separates_entailment_from_contradiction():
    model = load_nli_model()
    probabilities = model.predict([
        ("The new model improves accuracy from 71.2% to 78.9% on the test set.", "The new model is more accurate."),
        ("The new model improves accuracy from 71.2% to 78.9% on the test set.", "The new model is less accurate."),
    ])
    assert probabilities.shape == (2, 3)
    assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    entail, contradict = nli_data.LABELS.index("entailment"), nli_data.LABELS.index("contradiction")
    assert probabilities[0, entail] > probabilities[0, contradict]
    assert probabilities[1, contradict] > probabilities[1, entail]


def test_int8_packing_round_trips_within_about_half_a_step():
    """Half a step from rounding, plus the fp16 rounding of the per-row scale (< 0.1 step)."""
    state = {"weight": torch.randn(16, 32), "bias": torch.randn(16)}
    restored = dequantize_state(quantize_state(state))
    step = state["weight"].abs().amax(dim=1, keepdim=True) / 127
    assert torch.all((restored["weight"] - state["weight"]).abs() <= step * 0.6)
    assert torch.allclose(restored["bias"], state["bias"], atol=1e-2)


def _copy_of_shipped(tmp_path: Path) -> Path:
    return Path(shutil.copytree(shipped_model_dir(), tmp_path / "verifier"))


def test_corrupt_or_missing_weights_name_the_rebuild_command(tmp_path: Path):
    folder = _copy_of_shipped(tmp_path)
    weights = folder / WEIGHTS_FILE
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="synth models train-verifier") as corrupt:
        NliModel(folder)
    assert "corrupt" in str(corrupt.value) and "\n" not in str(corrupt.value)
    weights.unlink()
    with pytest.raises(ModelFileError, match="missing.*synth models train-verifier"):
        NliModel(folder)


def test_combiner_prefers_support_for_entailing_evidence_and_refutes_contradicting():
    """On the run-time path (candidates searched in a library)."""
    judge = ClaimJudge.load(shipped_model_dir() / JUDGE_FILE)
    claim = "Method A outperforms method B on the benchmark."
    entailing = claim_features(claim, [ScoredCandidate("Method A beats method B on the benchmark.", 0.9, (0.95, 0.04, 0.01))], True, library=True)
    contradicting = claim_features(claim, [ScoredCandidate("Method B beats method A on the benchmark.", 0.9, (0.01, 0.04, 0.95))], True, library=True)
    unrelated = claim_features(claim, [ScoredCandidate("We thank the reviewers.", 0.1, (0.02, 0.96, 0.02))], True, library=True)
    assert judge.judge(entailing).verdict == "supported"
    assert judge.judge(contradicting).verdict == "refuted"
    assert judge.judge(unrelated).verdict == "insufficient_evidence"
    assert set(entailing) == set(FEATURES)


def test_a_claim_naming_what_its_paper_never_writes_is_not_refuted_unless_a_number_conflicts():
    """Issue 15: evidence about another dataset or setting is not enough evidence, not a refutation."""
    judge = ClaimJudge.load(shipped_model_dir() / JUDGE_FILE)
    claim = "Method A outperforms method B on the Robust04 collection."
    contradicting = claim_features(claim, [ScoredCandidate("Method B beats method A on the benchmark.", 0.9,
                                                           (0.01, 0.04, 0.95))], True, library=True)
    refuted = judge.judge(contradicting)
    assert refuted.verdict == "refuted"
    unwritten = {**contradicting, "names_unseen": 0.5}
    assert unwritten_scope(unwritten) and not unwritten_scope(contradicting)
    assert not unwritten_scope({**unwritten, "cell_conflict": 1.0})
    assert not unwritten_scope({**unwritten, "number_conflict": 1.0})
    merged = judge.judge(unwritten, merged=("refuted", "insufficient_evidence"))
    original = judge.judge(unwritten).probabilities
    assert merged.verdict == "insufficient_evidence" and merged.probabilities["refuted"] == 0.0
    assert merged.probabilities["insufficient_evidence"] == pytest.approx(
        original["insufficient_evidence"] + original["refuted"])
    assert 1 / 3 - 1e-9 <= merged.confidence <= 1.0


def test_confidence_map_is_monotone_and_within_bounds():
    spec = json.loads((shipped_model_dir() / JUDGE_FILE).read_text())
    y = np.array(spec["calibration"]["y"])
    assert np.all(np.diff(y) >= -1e-12) and y.min() >= 1 / 3 - 1e-9 and y.max() <= 1.0


def test_splits_are_stable_disjoint_by_group_and_exclude_anli():
    data = needs_shared_data()
    train = nli_data.load_pairs(data, "train", ["scifact", "healthver"])
    test = nli_data.load_pairs(data, "test", ["scifact", "healthver"])
    assert train and test
    assert not {(p.source, p.group) for p in train} & {(p.source, p.group) for p in test}
    assert nli_data.load_pairs(data, "train", ["scifact"]) == nli_data.load_pairs(data, "train", ["scifact"])
    assert "anli" not in {*nli_data.IN_DOMAIN, *nli_data.GENERAL}


def test_general_scale_raises_only_the_general_caps_and_keeps_the_split():
    data = needs_shared_data()
    sources = ["scifact", "med"]
    default = nli_data.load_pairs(data, "train", sources)
    scaled = nli_data.load_pairs(data, "train", sources, cap_scale=3.0)
    count = lambda pairs, name: sum(p.source == name for p in pairs)  # noqa: E731
    assert count(default, "med") == nli_data.GENERAL_CAPS["med"] < count(scaled, "med") <= 3 * nli_data.GENERAL_CAPS["med"]
    assert count(scaled, "scifact") == count(default, "scifact")
    assert {p.group for p in scaled if p.source == "med"}.isdisjoint(
        {p.group for p in nli_data.load_pairs(data, "test", ["med"], cap_scale=3.0)})


def test_training_precision_follows_the_setting_and_the_hardware(monkeypatch):
    from synth.index import embeddings
    from synth.models.train import trains_in_bfloat16

    monkeypatch.setattr(embeddings, "cpu_multiplies_bfloat16", lambda: False)
    assert not trains_in_bfloat16("auto", "cpu") and not trains_in_bfloat16("float32", "cpu")
    assert trains_in_bfloat16("bfloat16", "cpu")
    monkeypatch.setattr(embeddings, "cpu_multiplies_bfloat16", lambda: True)
    assert trains_in_bfloat16("auto", "cpu") and not trains_in_bfloat16("float32", "cpu")
    if not torch.cuda.is_available():
        assert not trains_in_bfloat16("auto", "cuda")


@pytest.mark.slow
def test_training_api_smoke_run_resumes_and_exports(tmp_path: Path):
    pytest.importorskip("datasets")
    pytest.importorskip("accelerate")
    data = needs_shared_data()
    from synth.models.train import TrainOptions, train_verifier

    options = TrainOptions(max_pairs=32, epochs=1, batch_size=16, save_steps=1, max_claims=40,
                           claim_sets=["healthver", "climate-fever"], library_sets=[])
    folder = train_verifier(data, tmp_path / "run", options)
    card = read_card(folder)
    assert sha256_of(folder / WEIGHTS_FILE) == card["sha256"]
    assert card["combiner"]["cross_validation"]["claims"] == 40
    assert (tmp_path / "run" / "checkpoints").is_dir()
    assert NliModel(folder).predict([("a cat sat", "an animal sat")]).shape == (1, 3)


def test_a_claim_without_paper_is_scoped_to_the_paper_that_writes_its_system_name():
    papers = PaperVocabulary({
        "xlnet": "XLNet is a generalized autoregressive model. XLNet outperforms BERT on RACE. " * 5,
        "qanet": "QANet combines convolution and self-attention. QANet beats BiDAF on SQuAD. BERT is related. " * 5,
        "other": "We study topic models on a cluster. BERT is mentioned once.",
    })
    assert distinctive_names("XLNet's error on Yelp-5 is 27.80.") == ["xlnet", "yelp-5"]
    assert papers.named_paper("XLNet lowers the error rate relative to BERT.", margin=1.5) == "xlnet"
    assert papers.named_paper("QANet's speed comparisons against BiDAF used eight TPUs.", margin=1.5) == "qanet"
    assert papers.named_paper("BERT is strong.", margin=1.5) is None, "a name every paper writes scopes nothing"
    assert papers.named_paper("the model is good", margin=1.5) is None


def test_paper_checks_flag_what_the_paper_never_writes():
    paper = [PaperText("We evaluate on WMT 2014 English-German and English-French and reach 28.4 BLEU.")]
    stated = unseen_checks("The model reaches 28.4 BLEU on English-German.", paper)
    absent = unseen_checks("The model reaches 31.0 BLEU on WMT 2016 English-Romanian.", paper)
    assert stated["names_unseen"] == 0.0 and stated["numbers_unseen"] == 0.0
    assert absent["names_unseen"] > 0 and absent["numbers_unseen"] > 0 and absent["words_unseen"] > 0
    assert unseen_checks("anything", []) == dict.fromkeys(stated, 0.0)


def test_a_claim_naming_a_setting_its_paper_never_writes_does_not_have_every_name_written():
    papers = PaperVocabulary({"qanet": "QANet beats BiDAF on SQuAD. We train on Potsdam and test on Vaihingen."})
    assert papers.writes_every_name("QANet outperforms BiDAF on SQuAD.", ["qanet"])
    assert papers.writes_every_name("In the Potsdam-to-Vaihingen test, QANet beats BiDAF.", ["qanet"]), \
        "a compound is written when each of its parts is"
    assert not papers.writes_every_name("QANet outperforms BiDAF on MS MARCO passage ranking.", ["qanet"])


def test_an_unwritten_word_weighs_more_in_a_long_paper_than_in_an_abstract():
    claim = "The model reaches 28.4 BLEU on English-German with beam search."
    abstract = [PaperText("We evaluate on WMT 2014 English-German and reach 28.4 BLEU.")]
    paper = [PaperText(abstract[0].text + " " + " ".join(f"term{n}" for n in range(500)))]
    short, long = unseen_checks(claim, abstract), unseen_checks(claim, paper)
    assert short["words_unseen"] == long["words_unseen"] > 0
    assert long["words_unseen_by_length"] > 2 * short["words_unseen_by_length"] > 0


def test_combiner_fit_keeps_one_confidence_map_per_source_and_the_library_map_at_run_time():
    rng = np.random.default_rng(0)
    rows, labels, groups, sources = [], [], [], []
    for index in range(240):
        label = VERDICTS[index % 3]
        row = dict.fromkeys(FEATURES, 0.0)
        row["ent_max"] = float(label == "supported") + rng.normal(0, 0.6)
        row["con_max"] = float(label == "refuted") + rng.normal(0, 0.6)
        source = ("real-papers", "scifact")[index % 2]
        rows.append(row), labels.append(label), groups.append(f"g{index // 6}"), sources.append(source)
    spec = fit_judge(rows, labels, groups, sources)
    assert set(spec["calibration_by_source"]) == {"library", "scifact"}
    assert spec["calibration"] == spec["calibration_by_source"]["library"]
    assert spec["prior"] in ("balanced", "observed")
    judge = ClaimJudge(spec)
    strong = dict(rows[0], ent_max=3.0, con_max=-1.0)
    assert judge.judge(strong).verdict == "supported"
    assert judge.confidence_of(0.8, "unknown-source") == judge.confidence_of(0.8, "library")
    assert spec["cross_validation"]["macro_f1_by_source"]["real-papers"] > 0.5
    assert spec["cross_validation"]["fold_dealings"] == FOLD_REPEATS
    assert 0 < spec["cross_validation"]["selection_score_sd"] < 0.2



def test_fold_dealings_keep_each_group_in_one_fold_and_differ_between_dealings():
    groups = np.array([f"paper{index % 23}" for index in range(230)])
    dealings = fold_dealings(groups)
    assert len(dealings) == FOLD_REPEATS
    for folds in dealings:
        assert set(folds) == set(range(FOLDS))
        assert all(len(set(folds[groups == name])) == 1 for name in set(groups))
    assert not np.array_equal(dealings[1], dealings[2])
    assert np.array_equal(fold_dealings(groups)[3], dealings[3])


def test_one_standard_error_choice_takes_the_smaller_c_unless_a_larger_one_is_clearly_better():
    noisy = [0.38, 0.41, 0.44, 0.40, 0.42]
    tied = {(0.3, "balanced"): noisy, (3.0, "balanced"): [score + 0.003 for score in noisy],
            (0.3, "observed"): [score - 0.05 for score in noisy]}
    assert one_standard_error_choice(tied) == (0.3, "balanced")
    clear = {**tied, (3.0, "balanced"): [score + 0.05 for score in noisy]}
    assert one_standard_error_choice(clear) == (3.0, "balanced")


def test_selection_prefers_a_combiner_that_still_says_refuted_over_one_with_a_higher_macro_f1():
    supported, refuted, insufficient = (VERDICTS.index(v) for v in ("supported", "refuted", "insufficient_evidence"))
    y = np.array([supported, supported, refuted, refuted, insufficient, insufficient])
    never_refutes = np.eye(3)[[supported, supported, insufficient, insufficient, insufficient, insufficient]]
    refutes_some = np.eye(3)[[supported, insufficient, refuted, insufficient, insufficient, refuted]]
    sources = np.array(["scifact"] * 6)
    assert per_source_f1(y, never_refutes, sources)["scifact"] > per_source_f1(y, refutes_some, sources)["scifact"]
    assert selection_score(y, refutes_some, sources) > selection_score(y, never_refutes, sources)


def test_reliability_diagram_ships_with_the_model_and_is_small():
    path = reliability_diagram()
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size < 100_000


def test_fit_combiner_refuses_a_folder_that_is_not_the_shared_data_in_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from synth.cli import app

    done = CliRunner().invoke(app, ["models", "fit-combiner", "--data", str(tmp_path)])
    assert done.exit_code == 2 and done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert str(tmp_path) in line and "claims/" in line and "--data" in line
    assert (shipped_model_dir() / JUDGE_FILE).exists()


CROSS_ENCODER_OPTIONS = ("epochs", "batch_size", "learning_rate", "warmup_ratio", "max_length", "seed", "sources",
                         "general_scale", "augment", "written", "max_pairs", "stop_at_step")
"""What decides the cross-encoder's weights (the claim sets the combiner is fitted on may have grown since;
``synth models fit-combiner`` refits it on today's). A card older than an option has the option's default."""


def test_train_verifier_passes_its_options_on_and_by_default_repeats_the_shipped_run(tmp_path: Path, monkeypatch) -> None:
    from typer.testing import CliRunner

    import synth.models.train as train
    from synth.cli import app

    seen = []
    monkeypatch.setattr(train, "train_verifier", lambda data, out, options: seen.append(options) or out / "model")
    data = tmp_path / "data"
    (data / "nli").mkdir(parents=True)
    done = CliRunner().invoke(app, ["models", "train-verifier", "--data", str(data), "--out", str(tmp_path / "run"),
                                    "--learning-rate", "3e-5", "--epochs", "2", "--general-scale", "1", "--written"])
    assert done.exit_code == 0, done.output
    assert (seen[0].learning_rate, seen[0].epochs, seen[0].general_scale) == (pytest.approx(3e-5), 2.0, 1.0)
    assert seen[0].written
    default = CliRunner().invoke(app, ["models", "train-verifier", "--data", str(data), "--out", str(tmp_path / "run")])
    assert default.exit_code == 0, default.output
    shipped = read_card(shipped_model_dir())["options"]
    trained = {name: value for name, value in asdict(seen[1]).items() if name in CROSS_ENCODER_OPTIONS}
    assert trained == {name: shipped.get(name, getattr(train.TrainOptions(), name)) for name in CROSS_ENCODER_OPTIONS}


def test_calibrated_ece_is_the_noise_floor_of_a_set_this_size() -> None:
    from synth.calibrate import expected_calibration_error

    assert calibrated_ece([1.0] * 50)["mean"] == 0.0
    small, large = calibrated_ece([0.6] * 97), calibrated_ece([0.6] * 5000)
    assert small["mean"] > 5 * large["mean"] and small["p95"] > small["mean"]
    overconfident = expected_calibration_error(np.full(97, 0.95), np.arange(97) % 2 == 0)
    assert overconfident > small["p95"]


def test_f1_interval_holds_the_figure_is_exact_for_a_perfect_verifier_and_wider_when_claims_share_papers() -> None:
    labels = ["supported", "refuted", "insufficient_evidence"]
    rng = np.random.default_rng(3)
    gold = [labels[i] for i in rng.integers(3, size=120)]
    perfect = f1_interval(gold, gold, labels, [str(i) for i in range(120)], "refuted")
    assert perfect == {"macro_f1": [1.0, 1.0], "refuted_f1": [1.0, 1.0]}
    # ten papers of twelve claims; on half of them the verifier calls every claim "refuted"
    predicted = [g if (i // 12) % 2 else "refuted" for i, g in enumerate(gold)]
    figure = f1_scores(gold, predicted, labels)
    by_claim = f1_interval(gold, predicted, labels, [str(i) for i in range(120)], "refuted")
    by_paper = f1_interval(gold, predicted, labels, [str(i // 12) for i in range(120)], "refuted")
    low, high = by_paper["refuted_f1"]
    assert low < figure["refuted"] < high
    assert high - low > by_claim["refuted_f1"][1] - by_claim["refuted_f1"][0], \
        "papers whose claims fail together make a wider interval than independent claims"


def test_the_paired_macro_f1_lead_is_above_zero_only_for_a_verifier_that_is_ahead_on_most_papers() -> None:
    labels = ["supported", "refuted", "insufficient_evidence"]
    rng = np.random.default_rng(5)
    gold = [labels[i] for i in rng.integers(3, size=150)]
    papers = [str(i // 10) for i in range(150)]
    noisy = [g if rng.random() < 0.6 else labels[rng.integers(3)] for g in gold]
    better = [g if rng.random() < 0.5 else n for g, n in zip(gold, noisy)]
    low, high = macro_f1_difference(gold, better, noisy, labels, papers)
    assert 0 < low < high
    assert macro_f1_difference(gold, noisy, noisy, labels, papers) == [0.0, 0.0]
    assert macro_f1_difference(gold, noisy, better, labels, papers)[1] < 0


def test_f1_scores_count_unlisted_labels_as_errors_and_an_unseen_label_as_zero() -> None:
    gold = ["supported", "supported", "refuted", "insufficient_evidence", "other"]
    predicted = ["supported", "refuted", "refuted", "supported", "supported"]
    scores = f1_scores(gold, predicted, ["supported", "refuted", "insufficient_evidence"])
    assert scores["supported"] == 2 * 1 / (2 * 1 + 2 + 1)
    assert scores["refuted"] == 2 * 1 / (2 * 1 + 1 + 0)
    assert scores["insufficient_evidence"] == 0.0
    assert f1_scores([], [], ["supported"]) == {"supported": 0.0}


def test_the_tie_share_says_how_bunched_the_run_time_confidence_is() -> None:
    """Library claims spread over the combiner's probability get as many confidences as claims; the same
    claims at one probability get one; pool claims never count."""
    top = np.linspace(0.4, 0.99, 40)
    oof = np.stack([top, (1 - top) / 2, (1 - top) / 2], axis=1)
    y = np.where(np.random.default_rng(2).random(40) < top, 0, 1)  # right (verdict 0) about as often as it is sure
    library, pool = np.array(["real-papers"] * 40), np.array(["healthver"] * 40)
    flat = np.tile([0.6, 0.2, 0.2], (40, 1))
    spread = largest_tie_share(np.vstack([oof, flat]), np.concatenate([y, y]), np.concatenate([library, pool]))
    assert spread == pytest.approx(1 / 40)
    assert largest_tie_share(flat, y, library) == 1.0


def test_the_confidence_map_follows_how_often_verdicts_are_right_and_never_promises_certainty() -> None:
    """Verdicts right with probability equal to their winning probability map close to it; a source whose
    verdicts were all right maps below 1 (Platt's smoothed targets); wrong-more-often-when-surer maps flat."""
    rng = np.random.default_rng(7)
    top = rng.uniform(1 / 3, 1.0, 4000)
    right = (rng.random(4000) < top).astype(float)
    honest = fit_module.confidence_map(top, right)
    assert np.interp([0.5, 0.8], honest["x"], honest["y"]) == pytest.approx([0.5, 0.8], abs=0.04)
    assert len(set(np.round(honest["y"], 9))) > 0.95 * len(honest["y"]) and honest["slope"] > 0, \
        "the confidence varies with the evidence"
    always = fit_module.confidence_map(np.full(30, 0.9), np.ones(30))
    assert max(always["y"]) < 1.0
    inverted = fit_module.confidence_map(top, (rng.random(4000) > top).astype(float))
    assert np.all(np.diff(inverted["y"]) >= 0) and min(inverted["y"]) >= 1 / 3
