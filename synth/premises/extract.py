"""Open-vocabulary, typed extraction of what a question takes for granted.

A premise is a thing the question names and so presupposes the sources
study: a benchmark, dataset, model (with its size), metric (with its @k),
method, domain or setting, language or language group, or a comparison
("compared to X"). Known names come from synth.text.vocab.QUESTION_KINDS; unknown
capitalised or code-like names ("FooBench-2", "XL-Sum") are premises too,
typed by the word after them ("... benchmark", "... dataset"). Phrases that
end in a method word ("mixed-batch training") are methods even when no
vocabulary knows them. Readings that get a type wrong ("the XLM-R
benchmark", "XL-Sum subset of BEIR", "MIRACL's hybrid batch training") are
kept on the premise as ``error`` (a category error).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from synth.text import vocab
from synth.text.mentions import ALIAS_AFTER, ALIAS_BEFORE, alias_body, alias_pattern, is_case_sensitive
from synth.text.normalise import STOP_WORDS


@dataclass(frozen=True)
class Premise:
    kind: str
    name: str
    mention: str
    start: int
    end: int
    known: bool = True
    aliases: tuple[str, ...] = ()
    members: tuple[str, ...] = field(default=(), metadata={"doc": "languages of a group, sizes of a size range"})
    size: str | None = None
    error: str | None = None


_METHOD_HEADS = (r"training|strategy|strategies|sampling|learning|method|approach|technique|techniques|objective|"
                 r"loss|fine-tuning|distillation|augmentation|mining|fusion|tuning|pre-training|pretraining|"
                 r"regularization|batching|prompting|decoding|alignment|curriculum|scheme|procedure")
_OPEN_METHOD = re.compile(rf"\b((?:[A-Za-z][\w-]*\s+){{1,3}})({_METHOD_HEADS})\b")
_METHOD_FILLER = frozenset(
    "proposed novel new our standard different such various existing simple popular common typical "
    "the a an their its this that these those with using by of using via how does do did is are models model "
    "trained train fine-tuned impact effect role use uses used relative compared than versus against".split())
_MIXTURE = re.compile(r"\b(?:(?:a|the)\s+)?(?:mixture|mix|combination|blend|interleaving|alternation)\s+of\s+"
                      r"[\w\s-]{3,60}?\b(?:batches|pairs|data|examples|objectives|losses|languages)\b", re.I)
_GENERIC_PHRASES = frozenset({"machine learning", "deep learning", "representation learning", "learning"})

_SETTING_WORDS = r"domain|domains|texts?|documents?|articles?|data|corpora|collections?|retrieval|search|QA|tasks?"
_COMPARE = re.compile(r"\b(?:compared\s+(?:to|with)|in\s+comparison\s+(?:to|with)|versus|vs\.?|relative\s+to|"
                      r"against|rather\s+than|than)\s+(?:the\s+|a\s+|an\s+|plain\s+)?"
                      r"((?:(?!on\b|in\b|for\b|across\b|when\b|at\b|under\b|with\b|as\b|by\b|while\b|and\b|or\b)"
                      r"[A-Za-z][\w@./-]*\s*){1,5})")
_SIZE_UNIT = r"(?:[MBK]\b|\s?(?:million|billion)\b)"
_SIZE = re.compile(rf"\b(\d+(?:\.\d+)?){_SIZE_UNIT}(?:\s*(?:-|–|to)\s*(\d+(?:\.\d+)?){_SIZE_UNIT})?", re.I)
_SIZE_CONTEXT = re.compile(r"param|model|size|scale|LLM|from", re.I)
_AT_K = re.compile(r"\b(nDCG|NDCG|ndcg|MRR|mrr|[Rr]ecall|R|[Pp]recision|P|[Hh]its|[Ss]uccess|mAP|MAP|[Aa]ccuracy|"
                   r"[Tt]op)\s*@\s*(\d+|k)\b")
_AT_K_NAMES = {"ndcg": "nDCG", "mrr": "MRR", "recall": "Recall", "r": "Recall", "precision": "precision",
               "p": "precision", "hits": "Hits", "success": "Success", "map": "mAP", "accuracy": "accuracy",
               "top": "accuracy"}
_NAME_TOKEN = re.compile(r"\b[A-Za-z][\w.]*(?:[-/][\w.]+)*\b")
_KIND_AFTER = {
    "benchmark": re.compile(r"^\s+(?:benchmarks?|suite|leaderboard|evaluation suite)\b", re.I),
    "dataset": re.compile(r"^\s+(?:datasets?|corpus|corpora|collections?|test\s+sets?|splits?|subsets?)\b", re.I),
    "model": re.compile(r"^\s+(?:models?|encoders?|retrievers?|LMs?|LLMs?|architectures?|networks?|baselines?)\b",
                        re.I),
    "metric": re.compile(r"^\s+(?:metrics?|scores?)\b", re.I),
}
_QUESTION_WORDS = frozenset(
    "what how does do did is are can could which why when where who whose whom will would should to in on for "
    "compared given under across with by if among between".split())
_SUBSET = [
    re.compile(r"^\s*,?\s*(?:a|an|the)?\s*(?:subset|split|part|portion|task|subtask|component|member)\s+of\s+"
               r"(?:the\s+)?$", re.I),
    re.compile(r"^\s+(?:subset|split|task|portion)\s+(?:of|in|from)\s+(?:the\s+)?$", re.I),
]
_CREDITED = re.compile(r"^\s+(?:proposed|introduced|developed|invented)\s+(?:by|in|with)\s+(?:the\s+)?$", re.I)


@dataclass(frozen=True)
class _Entry:
    kind: str
    name: str
    aliases: tuple[str, ...]
    members: tuple[str, ...]


@lru_cache(maxsize=1)
def _named() -> tuple[re.Pattern[str], dict[str, _Entry], dict[str, _Entry]]:
    """One alternation of every surface form, longest first (so the longest wins at each
    position), and the entry of each form: acronyms keyed as written, words lower-cased."""
    rows: list[tuple[str, _Entry, bool]] = []
    for kind, table in vocab.QUESTION_KINDS.items():
        for name, aliases in table.items():
            forms = aliases if kind == "language" else [name, *aliases]
            label = aliases[0] if kind == "language" else name
            entry = _Entry(kind, label, tuple(forms), ())
            rows += [(form, entry, is_case_sensitive(form)) for form in forms]
    for group, members in vocab.LANGUAGE_GROUPS.items():
        stem = group.removesuffix(" languages")
        entry = _Entry("language", group, (group, stem), tuple(members))
        rows += [(form, entry, False) for form in (group, f"{stem} language", stem)]
    exact: dict[str, _Entry] = {}
    folded: dict[str, _Entry] = {}
    for form, entry, sensitive in rows:
        if sensitive:
            exact.setdefault(_spaced(form), entry)
        else:
            folded.setdefault(_spaced(form).lower(), entry)
    rows.sort(key=lambda row: -len(row[0]))
    bodies = [alias_body(form) if sensitive else f"(?i:{alias_body(form)})" for form, _, sensitive in rows]
    pattern = re.compile(ALIAS_BEFORE + "(?:" + "|".join(bodies) + ")" + ALIAS_AFTER)
    return pattern, exact, folded


def _spaced(form: str) -> str:
    return re.sub(r"[\s-]+", " ", form)


def _entry_of(matched: str) -> _Entry | None:
    _, exact, folded = _named()
    spaced = _spaced(matched)
    return exact.get(spaced) or folded.get(spaced.lower())


class _Spans:
    """Character ranges of the question already read as part of a premise."""

    def __init__(self, length: int) -> None:
        self.taken = [False] * length

    def free(self, start: int, end: int) -> bool:
        return not any(self.taken[start:end])

    def take(self, start: int, end: int) -> None:
        self.taken[start:end] = [True] * (end - start)


def _at_k_metrics(question: str, spans: _Spans) -> list[Premise]:
    found = []
    for match in _AT_K.finditer(question):
        name = f"{_AT_K_NAMES[match.group(1).lower()]}@{match.group(2)}"
        spans.take(match.start(), match.end())
        found.append(Premise("metric", name, match.group(), match.start(), match.end(), aliases=(match.group(),)))
    return found


def _sizes(question: str, spans: _Spans) -> list[Premise]:
    found = []
    for match in _SIZE.finditer(question):
        context = question[max(0, match.start() - 30): match.end() + 30]
        if not spans.free(match.start(), match.end()) or not _SIZE_CONTEXT.search(context):
            continue
        sizes = tuple(_size_token(text) for text in _SIZE_PARTS.findall(match.group()))
        label = " to ".join(sizes)
        spans.take(match.start(), match.end())
        found.append(Premise("model", f"models of {label} parameters", match.group(), match.start(), match.end(),
                             members=sizes, size="-".join(sizes)))
    return found


_SIZE_PARTS = re.compile(rf"\d+(?:\.\d+)?{_SIZE_UNIT}", re.I)


def _size_token(text: str) -> str:
    """'175 billion' -> '175B', '270M' -> '270M'."""
    number = re.match(r"\d+(?:\.\d+)?", text).group()
    unit = text[len(number):].strip().upper()[:1]
    return f"{number}{unit}"


def _named_premises(question: str, spans: _Spans) -> list[Premise]:
    found = []
    for match in _named()[0].finditer(question):
        entry = _entry_of(match.group())
        if entry is not None and spans.free(match.start(), match.end()):
            spans.take(match.start(), match.end())
            found.append(Premise(entry.kind, entry.name, match.group(), match.start(), match.end(),
                                 aliases=entry.aliases, members=entry.members))
    return found


def _domains(question: str, spans: _Spans) -> list[Premise]:
    found = []
    for name, aliases in vocab.DOMAINS.items():
        words = "|".join(re.escape(alias) for alias in aliases)
        for match in re.finditer(rf"\b({words})[\s-]+(?:{_SETTING_WORDS})\b", question, re.I):
            if spans.free(match.start(), match.end()):
                spans.take(match.start(), match.end())
                found.append(Premise("domain", f"{name} domain", match.group(), match.start(), match.end(),
                                     aliases=tuple(aliases)))
    for name, aliases in vocab.SETTINGS.items():
        for alias in aliases:
            for match in alias_pattern(alias).finditer(question):
                if spans.free(match.start(), match.end()):
                    spans.take(match.start(), match.end())
                    found.append(Premise("domain", name, match.group(), match.start(), match.end(),
                                         aliases=tuple(aliases)))
    return found


def _open_methods(question: str, spans: _Spans) -> list[Premise]:
    """'hybrid batch strategy', 'mixed-batch training': modifier words + a method head word."""
    found = []
    for match in _OPEN_METHOD.finditer(question):
        words = match.group(1).split()
        while words and words[0].lower() in _METHOD_FILLER:
            words.pop(0)
        if not words or any(word.lower() in _METHOD_FILLER for word in words):
            continue
        phrase = " ".join([*words, match.group(2)])
        start = match.start(2) - len(" ".join(words)) - 1
        if phrase.lower() in _GENERIC_PHRASES or not spans.free(start, match.end()):
            continue
        spans.take(start, match.end())
        found.append(Premise("method", phrase.lower(), phrase, start, match.end(), known=False, aliases=(phrase,)))
    return found


def _mixtures(question: str, spans: _Spans) -> list[Premise]:
    """'a mixture of monolingual and cross-lingual batches': a method described, not named."""
    found = []
    for match in _MIXTURE.finditer(question):
        phrase = re.sub(r"^(?:a|the)\s+", "", match.group(), flags=re.I)
        start = match.end() - len(phrase)
        spans.take(start, match.end())
        found.append(Premise("method", phrase.lower(), phrase, start, match.end(), known=False, aliases=(phrase,)))
    return found


def _looks_like_name(token: str, start: int, question: str) -> bool:
    """Code-like (digits, inner capitals, dashes with capitals) or capitalised mid-sentence."""
    if token.lower() in _QUESTION_WORDS or token.lower() in STOP_WORDS:
        return False
    code_like = any(ch.isdigit() for ch in token) or any(ch.isupper() for ch in token[1:])
    sentence_start = not question[:start].strip() or question[:start].rstrip()[-1:] in ".?!:"
    return code_like or (token[0].isupper() and not sentence_start)


def _unknown_names(question: str, spans: _Spans) -> list[Premise]:
    found: list[Premise] = []
    for match in _NAME_TOKEN.finditer(question):
        token = match.group().rstrip(".")
        end = match.start() + len(token)
        if not spans.free(match.start(), end) or not _looks_like_name(token, match.start(), question):
            continue
        if found and not found[-1].known and question[found[-1].end:match.start()] == " ":
            previous = found.pop()
            token, start = question[previous.start:end], previous.start
        else:
            start = match.start()
        found.append(Premise("other", token, token, start, end, known=False, aliases=(token,)))
    typed = [_typed(premise, question) for premise in found]
    for premise in typed:
        spans.take(premise.start, premise.end)
    return typed


def _typed(premise: Premise, question: str) -> Premise:
    parts = [_entry_of(part) for part in re.split(r"[-–/]", premise.name)]
    if len(parts) > 1 and all(part is not None and part.kind == "language" for part in parts):
        return replace(premise, kind="language", known=True, members=tuple(part.name for part in parts))
    after = question[premise.end:]
    for kind, pattern in _KIND_AFTER.items():
        if pattern.match(after):
            return replace(premise, kind=kind)
    return premise


def _comparisons(question: str, premises: list[Premise]) -> list[Premise]:
    """'compared to X': X becomes a comparison premise (replacing X's own premise)."""
    result = list(premises)
    for match in _COMPARE.finditer(question):
        phrase = match.group(1).strip().rstrip("?.,;")
        if not phrase or phrase[0].isdigit():
            continue
        start, end = match.start(1), match.start(1) + len(phrase)
        inside = [p for p in result if start <= p.start and p.end <= end and p.kind != "comparison"]
        if inside and any(p.error for p in inside):
            continue
        if inside:
            target = inside[0]
            result = [p for p in result if p is not target]
            result.append(replace(target, kind="comparison", start=start, end=end,
                                  members=(target.kind, *target.members)))
        elif not any(p.start < end and start < p.end for p in result):
            result.append(Premise("comparison", phrase.lower(), phrase, start, end, known=False, aliases=(phrase,),
                                  members=("method",)))
    return result


def _category_errors(question: str, premises: list[Premise]) -> list[Premise]:
    """Mark a model named as a benchmark, a method credited to a dataset, a subset outside its collection."""
    ordered = sorted(premises, key=lambda p: p.start)
    marked = {id(p): p for p in ordered}
    for premise in ordered:
        after = question[premise.end:]
        if premise.kind == "model" and not premise.size and _KIND_AFTER["benchmark"].match(after):
            marked[id(premise)] = replace(premise, error=f"{premise.name} is a model, not a benchmark")
        elif premise.kind == "model" and not premise.size and _KIND_AFTER["dataset"].match(after):
            marked[id(premise)] = replace(premise, error=f"{premise.name} is a model, not a dataset")
    for left, right in zip(ordered, ordered[1:]):
        between = question[left.end:right.start]
        error = _pair_error(left, right, between)
        if error:
            target = right if left.kind in ("dataset", "benchmark") and right.kind == "method" else left
            marked[id(target)] = replace(marked[id(target)], error=error)
    return [marked[id(p)] for p in ordered]


def _pair_error(left: Premise, right: Premise, between: str) -> str | None:
    collections = ("dataset", "benchmark")
    if left.kind in collections and right.kind in collections and any(p.match(between) for p in _SUBSET):
        members = vocab.SUBSETS.get(right.name)
        if members is not None and left.name not in members:
            return f"{left.name} is not a subset of {right.name}"
    if left.kind in collections and right.kind == "method" and between.strip() in ("'s", "’s"):
        return f"{left.name} is a {left.kind}; it does not propose {right.name}"
    if left.kind == "method" and right.kind in collections and _CREDITED.match(between):
        return f"{right.name} is a {right.kind}; it does not propose {left.name}"
    return None


def extract_premises(question: str) -> list[Premise]:
    """Every premise of the question, in reading order, one per (kind, name)."""
    spans = _Spans(len(question))
    found = [*_at_k_metrics(question, spans), *_sizes(question, spans), *_mixtures(question, spans),
             *_open_methods_first(question, spans)]
    found += _named_premises(question, spans)
    found += _domains(question, spans)
    found += _open_methods(question, spans)
    found += _unknown_names(question, spans)
    found = _comparisons(question, _category_errors(question, found))
    unique: dict[tuple[str, str], Premise] = {}
    for premise in sorted(found, key=lambda p: p.start):
        unique.setdefault((premise.kind, premise.name.lower()), premise)
    return list(unique.values())


def _open_methods_first(question: str, spans: _Spans) -> list[Premise]:
    """Open method phrases that contain a known method and add modifiers to it
    ("language-aware contrastive learning") are read before the vocabulary, so
    the more specific phrase is the premise."""
    candidates = _open_methods(question, _Spans(len(question)))
    chosen = []
    for candidate in candidates:
        known = [p for p in _named_premises(candidate.mention, _Spans(len(candidate.mention))) if p.kind == "method"]
        if known and len(known[0].mention) < len(candidate.mention) - len(candidate.mention.split()[-1]) - 1:
            spans.take(candidate.start, candidate.end)
            chosen.append(candidate)
    return chosen


def named_in_text(text: str) -> list[tuple[str, str]]:
    """(kind, canonical name) of every known name in a source sentence (what it studies instead)."""
    spans = _Spans(len(text))
    return [(p.kind, p.name) for p in _named_premises(text, spans) if not p.members]
