"""Is a sentence a checkable claim? Transparent features and a calibrated logistic model.

The model's weights are fitted by ``bench/verify_eval.py --fit`` on the labeled
sentences in tests/data/claims/worthiness.jsonl and stored beside this module
(worthiness.json); its reliability is reported there as a cross-validated ECE.
"""

from __future__ import annotations

import re
from synth.calibrate import LogisticModel
from synth.resources import resource_location
from synth.text.comparisons import direction_of
from synth.text.mentions import find_mentions, number_mentions

PARAMETERS_PATH = resource_location("synth.claims", "worthiness.json")

_RESULT_VERB = re.compile(
    r"\b(?:outperform\w*|improv\w*|achiev\w*|reach\w*|reduc\w*|show\w*|find|found|demonstrat\w*|obtain\w*|gives?|"
    r"beat\w*|surpass\w*|lower\w*|rais\w*|drops?|falls?|match\w*|exceed\w*|increas\w*|decreas\w*|wins?|hurts?|"
    r"correlat\w*|prevent\w*|diverge\w*|halv\w*|remain\w*|loses?)\b", re.I)
_HEDGE = re.compile(r"\b(?:may|might|could|suggests?|possibly|likely|appears?|seems?|perhaps|we believe|we hope)\b", re.I)
_SETUP = re.compile(r"\b(?:we use|we train|we fine-tune|we evaluate|we report|we take|we call|we study|we compare|"
                    r"this section|is defined|we describe|we leave)\b", re.I)
_REFERENCE_LIKE = re.compile(r"^\s*\[\d+\]|\bet al\.\s*$|\b(?:In (?:ACL|EMNLP|NAACL|ICLR|ICML|NeurIPS|SIGIR)|arXiv:)")

FEATURE_NAMES = ["result_verb", "comparative", "numbers", "entities", "hedge", "setup", "reference_like",
                 "table_like", "long"]


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]{2,}", text)


def features(sentence: str) -> list[float]:
    """One value per FEATURE_NAMES entry (counts are capped so one feature cannot dominate)."""
    words = _words(sentence)
    numbers = [m for m in number_mentions(sentence) if m.quantity.text[0].isdigit()]
    entities = [m for m in find_mentions(sentence) if m.kind in ("dataset", "benchmark", "model", "metric", "method")]
    return [
        float(bool(_RESULT_VERB.search(sentence))),
        float(direction_of(sentence) is not None or " than " in sentence),
        min(len(numbers), 3) / 3,
        min(len(entities), 3) / 3,
        float(bool(_HEDGE.search(sentence))),
        float(bool(_SETUP.search(sentence))),
        float(bool(_REFERENCE_LIKE.search(sentence))),
        float(len(numbers) >= 3 and len(words) < 2 * len(numbers)),
        float(len(words) >= 12),
    ]


MODEL = LogisticModel(PARAMETERS_PATH, FEATURE_NAMES)


def worthiness(sentence: str) -> float:
    """Calibrated P(the sentence is a check-worthy claim) (ConfigError when no model is fitted)."""
    return MODEL.probability(features(sentence))
