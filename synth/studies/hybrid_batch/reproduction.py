"""Reproduction verifier: directional claims about hybrid batch training,
judged from the measured differences in reproduction result files.

A claim is read as a set of checks "hybrid vs OTHER on METRIC for EVAL
DATASET, expected DIRECTION". Each check looks up the paired-bootstrap
differences (synth.reproduce.result.Difference, one per seed); each counts as

- confirmed: the 95% interval lies entirely on the claimed side of zero
  (for 'comparable', the interval contains zero or favours hybrid);
- contradicted: the interval lies entirely on the other side;
- open: the interval contains zero.

Seeds of one check are combined: all confirmed -> confirmed, contradicted
with none confirming -> contradicted, seeds that disagree -> open.

All confirmed -> supported; any contradicted -> refuted; otherwise
insufficient_evidence (the run cannot tell the strategies apart). Two rules then limit
what a measurement may decide (synth.verify.checks records the outcome either way):

- scope: a claim about a model, dataset, benchmark or language that no run measured is
  not decided by runs of something else; the rationale names what was measured instead;
- strength: a run decides a paper's claim only with at least ``reproduction.min_seeds``
  seeds and ``reproduction.min_train_steps`` training steps; a smaller run is reported with
  its measured difference and interval and leaves the verdict to the other checks. Claims
with absolute numbers ("0.62 mAP") are not routed here: the reproduction
uses another model and training data, so only directions and differences
carry over.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from synth.files import display_path
from synth.records import Check as CheckRecord, Evidence, Verdict
from synth.reproduce.result import Interval, ReproductionResult
from synth.text.comparisons import direction_of
from synth.studies.hybrid_batch.dataset_facts import DATASET_FOLDERS
from synth.studies.hybrid_batch.outcome import Check, across_seeds, outcome_of
from synth.text.mentions import find_mentions, number_mentions
from synth.verify.inputs import ClaimInput
from synth.verify.calibration import confidence
from synth.verify.checks import OUTCOME_OF_VERDICT
from synth.verify.judgement import INSUFFICIENT, Judgement
from synth.verify.policy import ReproductionPolicy, StrengthPolicy
from synth.verify.protocol import VerifyContext

_HYBRID = re.compile(r"\bhybrid\b", re.I)
_OUTCOME = re.compile(r"\b(?:strong\w*|effective\w*|bias|improv\w*|reduc\w*|best|better|worse|outperform\w*|"
                      r"underperform\w*|comparable|robust\w*|increas\w*|gains?)\b", re.I)
_STRATEGY_WORDS = {
    "monolingual": re.compile(r"\bmono[\s-]?lingual(?:[\s-]only)?\s+(?:batch\w*|training|sampling|strateg\w*|only)\b", re.I),
    "cross_lingual": re.compile(r"\bcross[\s-]?lingual(?:[\s-]only)?\s+(?:batch\w*|training|sampling|strateg\w*|only)\b", re.I),
    "baseline": re.compile(r"\b(?:no fine[\s-]?tuning|untrained|initial model|without (?:fine[\s-]?tuning|training)|"
                           r"pre[\s-]?trained model)\b", re.I),
}
_BOTH_BASELINES = re.compile(r"\b(?:other (?:two|batch|baseline)|both|either|two baseline|baseline batch|"
                             r"baselines)\b", re.I)
_SETTINGS = {
    "multilingual_map": re.compile(r"\bmultilingual\s+(?:retrieval|setting|pool|performance|mAP)\b", re.I),
    "cross_lingual_map": re.compile(r"\bcross[\s-]?lingual\s+(?:retrieval|setting|performance|mAP)\b", re.I),
    "monolingual_map": re.compile(r"\bmono[\s-]?lingual\s+(?:retrieval|setting|performance|mAP)\b", re.I),
}
_BIAS = re.compile(r"\b(?:language bias|rank distance)\b", re.I)
_COMPARABLE = re.compile(r"\bcomparable\b|\bon par\b|\bsimilar\b", re.I)
_STRATEGY_LABELS = {"baseline": "the untrained initial model", "cross_lingual": "cross-lingual batches",
                    "monolingual": "monolingual batches"}
_ALL_MAP = ["multilingual_map", "cross_lingual_map", "monolingual_map"]


def is_reproduction_claim(text: str) -> bool:
    """About hybrid batch training's relative performance, without absolute scores."""
    if not _HYBRID.search(text) or not _OUTCOME.search(text):
        return False
    absolute = [n for n in number_mentions(text) if n.quantity.value % 1 or n.quantity.unit in ("%", "points")]
    return not absolute


def _others(text: str) -> list[str]:
    named = [strategy for strategy, pattern in _STRATEGY_WORDS.items() if pattern.search(text)]
    if named:
        return named
    if _BOTH_BASELINES.search(text) or re.search(r"\bbest\b", text, re.I):
        return ["monolingual", "cross_lingual"]
    return ["baseline"]


def _metrics(text: str) -> list[str]:
    if _BIAS.search(text):
        return ["rank_distance"]
    named = [metric for metric, pattern in _SETTINGS.items() if pattern.search(text)]
    return named or _ALL_MAP


def _expected(text: str) -> str:
    if _COMPARABLE.search(text):
        return "comparable"
    return direction_of(text) or "better"


def finding_of(text: str) -> frozenset[tuple[str, str, str]] | None:
    """The comparison a claim about hybrid batch training states, as (other strategy, metric, expected
    direction) readings, whatever numbers or datasets it quotes; None for other claims. Two claims with
    the same reading state the same finding ('best multilingual mAP in all four combinations' and
    'the best multilingual retrieval for both encoders ..., reaching 0.578 mAP')."""
    if not _HYBRID.search(text) or not _OUTCOME.search(text):
        return None
    return frozenset((check.other, check.metric, check.expected) for check in checks_of(text))


_KEPT_QUALITY = re.compile(r"\bwithout (?:sacrificing|hurting|losing|degrading|giving up)\b(?P<what>[^.;]*)", re.I)
_KEPT_SETTINGS = {"monolingual": ("monolingual", "monolingual_map"),
                  "cross-lingual": ("cross_lingual", "cross_lingual_map")}


def _kept_quality(text: str) -> list[tuple[str, str]]:
    """'... without sacrificing monolingual or cross-lingual quality': (strategy, metric) pairs on which
    hybrid must be comparable to the strategy made for that setting."""
    found = _KEPT_QUALITY.search(text)
    if not found:
        return []
    what = found.group("what").lower().replace("cross lingual", "cross-lingual")
    return [pair for word, pair in _KEPT_SETTINGS.items() if word in what]


def checks_of(text: str) -> list[Check]:
    """Every comparison the claim makes, each part of a 'better on X without sacrificing Y' claim included."""
    datasets = [DATASET_FOLDERS[m.name] for m in find_mentions(text) if m.name in DATASET_FOLDERS] or [None]
    kept = _kept_quality(text)
    claimed = _KEPT_QUALITY.sub("", text) if kept else text
    expected = _expected(claimed)
    return ([Check(other, metric, dataset, expected)
             for other in _others(claimed) for metric in _metrics(claimed) for dataset in datasets]
            + [Check(other, metric, dataset, "comparable") for other, metric in kept for dataset in datasets])


# --- result files ---------------------------------------------------------------


def load_results(results_dir: Path | None) -> tuple[list[tuple[Path, ReproductionResult]], list[str]]:
    """Every readable result.json in the folder or one level below (cpu/, gpu/), and one line per
    unreadable one; deeper files (a run's work/ folder) are partial and ignored."""
    if results_dir is None or not Path(results_dir).is_dir():
        return [], []
    loaded, problems = [], []
    for path in sorted([*Path(results_dir).glob("result.json"), *Path(results_dir).glob("*/result.json")]):
        try:
            loaded.append((path, ReproductionResult.model_validate_json(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError, ValidationError) as error:
            problems.append(f"{display_path(path, results_dir)}: unreadable result file ({type(error).__name__}); "
                            "re-run synth reproduce")
    return loaded, problems


def _intervals_of(result: ReproductionResult, check: Check, eval_dataset: str) -> list[tuple[int | None, Interval]]:
    """(seed, hybrid - other) for every recorded paired difference (either orientation; one per seed)."""
    found = []
    for difference in result.differences:
        if difference.metric != check.metric or difference.eval_dataset != eval_dataset:
            continue
        if (difference.strategy, difference.other) == ("hybrid", check.other):
            found.append((difference.seed, difference.difference))
        elif (difference.strategy, difference.other) == (check.other, "hybrid"):
            flipped = difference.difference
            found.append((difference.seed, Interval(mean=-flipped.mean, low=-flipped.high, high=-flipped.low)))
    return found


def _describe(check: Check, eval_dataset: str, seed: int | None, interval: Interval, outcome: str) -> str:
    where = f"{eval_dataset}, seed {seed}" if seed is not None else eval_dataset
    return (f"hybrid - {check.other} {check.metric} on {where}: {interval.mean:+.4f} "
            f"[{interval.low:+.4f}, {interval.high:+.4f}] ({outcome})")


def _eval_datasets(result: ReproductionResult, check: Check) -> list[str]:
    measured = sorted({entry.eval_dataset for entry in result.results})
    return [d for d in measured if check.eval_dataset in (None, d)]


def _judge_file(path: Path, result: ReproductionResult, checks: list[Check]) -> tuple[list[str], list[str]]:
    """(outcomes, descriptions) of every check this file can answer."""
    outcomes, descriptions = [], []
    for check in checks:
        for eval_dataset in _eval_datasets(result, check):
            per_seed = [(seed, interval, outcome_of(interval, check))
                        for seed, interval in _intervals_of(result, check, eval_dataset)]
            if per_seed:
                outcomes.append(across_seeds([outcome for _, _, outcome in per_seed]))
                descriptions += [_describe(check, eval_dataset, seed, interval, outcome)
                                 for seed, interval, outcome in per_seed]
    return outcomes, descriptions


def _setting(path: Path, result: ReproductionResult) -> str:
    trained = sorted({f"{e.train_dataset}->{e.eval_dataset}" for e in result.results if e.train_dataset})
    languages = sorted({language for e in result.results for language in e.languages})
    steps = sorted({e.train_steps for e in result.results if e.train_dataset})
    return (f"run '{result.config_name}' ({path.parent.name}/{path.name}; model {result.model_spec}; "
            f"train->eval {', '.join(trained)}; languages {', '.join(languages)}; steps {steps}; "
            f"seeds {result.seeds}; device {result.device})")


def _verdict(outcomes: list[str]) -> Verdict:
    if "contradicted" in outcomes:
        return "refuted"
    if outcomes and all(outcome == "confirmed" for outcome in outcomes):
        return "supported"
    return INSUFFICIENT


def _strength(outcomes: list[str]) -> float:
    decided = sum(outcome != "open" for outcome in outcomes)
    return decided / len(outcomes) if outcomes else 0.0


def _reading(checks: list[Check]) -> str:
    """How the claim was read, e.g. 'hybrid better than monolingual, cross_lingual on multilingual_map'."""
    others = ", ".join(dict.fromkeys(_STRATEGY_LABELS.get(c.other, c.other) for c in checks))
    metrics = ", ".join(dict.fromkeys(c.metric for c in checks))
    return f"read as: hybrid {checks[0].expected} than {others} on {metrics}"


def _unmeasured(text: str, loaded: list[tuple[Path, ReproductionResult]]) -> list[str]:
    """Models, datasets, benchmarks and languages the claim names that no run measured
    ('when using XLM-R', 'on MIRACL', 'for Thai'): the measurement is of something else."""
    measured_models = {m.name for _, result in loaded for m in find_mentions(result.model_spec) if m.kind == "model"}
    measured_data = {name for _, result in loaded for e in result.results for name, folder in DATASET_FOLDERS.items()
                     if folder in (e.eval_dataset, e.train_dataset)}
    measured_languages = {language for _, result in loaded for e in result.results for language in e.languages}
    measured = {"model": measured_models, "dataset": measured_data, "benchmark": measured_data,
                "language": measured_languages}
    return list(dict.fromkeys(m.name for m in find_mentions(text) if m.kind in measured and m.name not in measured[m.kind]))


def _too_small(loaded: list[tuple[Path, ReproductionResult]], policy: ReproductionPolicy) -> str | None:
    """Why the runs may not decide a paper's claim under the strength rule (None: they may)."""
    seeds = max(len(result.seeds) for _, result in loaded)
    steps = max((e.train_steps for _, result in loaded for e in result.results if e.train_dataset), default=0)
    if seeds >= policy.min_seeds and steps >= policy.min_train_steps:
        return None
    return (f"the largest run has {seeds} seed(s) and {steps} training steps; the strength rule lets a run decide "
            f"a paper's claim from {policy.min_seeds} seeds and {policy.min_train_steps} steps, so this measurement "
            f"is reported, not counted")


def _summary(outcomes: list[str]) -> str:
    tally = ", ".join(f"{outcomes.count(o)} {o}" for o in ("confirmed", "open", "contradicted") if o in outcomes)
    return f"{len(outcomes)} check(s): {tally} (open = 95% interval contains zero or seeds disagree)"


SUBSTITUTIONS_NOTE = "its substitutions are listed in the result file and, once, in the report's Reproduction section"
"""Rationales point to the substitutions instead of repeating them (they are listed once per report)."""


def _with_check(judgement: Judgement, measured: Verdict, decides: bool) -> Judgement:
    """``judgement`` carrying its reproduction check: the measured outcome, and whether it decides."""
    judgement.checks = [CheckRecord(channel="reproduction", outcome=OUTCOME_OF_VERDICT[measured], evidence=judgement.evidence,
                              note=judgement.rationale, decides=decides, confidence=confidence(judgement))]
    return judgement


def _out_of_scope(unmeasured: list[str], loaded: list[tuple[Path, ReproductionResult]], measured: Judgement) -> Judgement:
    what = "; ".join(_setting(path, result) for path, result in loaded)
    note = (f"the claim is about {', '.join(unmeasured)}, which no reproduction run measured; measured instead: "
            f"{what}")
    judgement = Judgement.unverifiable("reproduction", measured.strength, f"{note}; {measured.rationale}",
                                       measured.evidence, measured.features)
    judgement.checks = [CheckRecord(channel="reproduction", outcome="not_applicable", evidence=measured.evidence,
                              note=note, decides=False)]
    return judgement


def verify_reproduction(text: str, results_dir: Path | None, strengths: StrengthPolicy | None = None,
                        policy: ReproductionPolicy | None = None) -> Judgement:
    """Verdict from the measured differences, decided only as the strength rule allows; a claim
    about models, datasets or languages the runs did not use is out of their scope."""
    strengths, policy = strengths or StrengthPolicy(), policy or ReproductionPolicy()
    checks = checks_of(text)
    loaded, problems = load_results(results_dir)
    if not loaded:
        reason = "; ".join(problems) or f"no reproduction result file (result.json) under {display_path(results_dir)}"
        return Judgement.unverifiable("reproduction", strengths.source_missing,
                                      f"{reason}: run `synth reproduce` or pass --results DIR")
    all_outcomes, parts, evidence = [], [], []
    for path, result in loaded:
        outcomes, descriptions = _judge_file(path, result, checks)
        if not outcomes:
            continue
        all_outcomes += outcomes
        parts.append(f"{_setting(path, result)}: " + "; ".join(descriptions)
                     + (f" ({SUBSTITUTIONS_NOTE})" if result.substitutions else ""))
        evidence += [Evidence(paper_id=f"reproduction:{path.parent.name}", page=None, section=result.config_name,
                              quote=description) for description in descriptions]
    if not all_outcomes:
        wanted = ", ".join(sorted({f"hybrid vs {c.other} ({c.metric})" for c in checks}))
        return Judgement.unverifiable("reproduction", strengths.nothing_measured,
                                      f"the result files under {display_path(results_dir)} hold no measured difference for {wanted}")
    measured = Judgement(_verdict(all_outcomes), "reproduction", _strength(all_outcomes),
                         f"{_reading(checks)}; {_summary(all_outcomes)}; measured in " + " | ".join(parts), evidence,
                         {"checks": float(len(all_outcomes)), "decided_share": _strength(all_outcomes)})
    unmeasured = _unmeasured(text, loaded)
    if unmeasured:
        return _out_of_scope(unmeasured, loaded, measured)
    small = _too_small(loaded, policy)
    if small is None:
        return _with_check(measured, measured.verdict, True)
    undecided = Judgement.unverifiable("reproduction", measured.strength,
                                       f"{small} (it would be '{measured.verdict}'); {measured.rationale}",
                                       evidence, measured.features)
    return _with_check(undecided, measured.verdict, False)


def not_requested() -> Judgement:
    """``--reproduce none``: no result is read, so the reproduction says nothing."""
    judgement = Judgement.unverifiable("reproduction", 1.0, "reproduction not requested (--reproduce none)")
    judgement.checks = [CheckRecord(channel="reproduction", outcome="not_applicable", decides=False,
                              note="reproduction not requested (--reproduce none): no result was read")]
    return judgement


class ReproductionVerifier:
    """Registry entry ``reproduction``: directional hybrid-batch claims, judged from result files."""

    name = "reproduction"
    kind = "quantitative"

    def accepts(self, claim: ClaimInput) -> bool:
        return is_reproduction_claim(claim.text)

    def verify(self, claim: ClaimInput, context: VerifyContext) -> Judgement:
        if not context.use_results:
            return not_requested()
        return verify_reproduction(claim.text, context.results_dir, context.policy.strengths,
                                   context.policy.reproduction)
