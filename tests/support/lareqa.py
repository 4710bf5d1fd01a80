"""Small generated XQuAD-R / MLQA-R fixtures in the real format (SQuAD + sentences).

Words are ``<stem>_<lang>`` so every language has its own surface forms; the
same stems recur across a question and its answer sentence, giving a tiny
encoder something to learn. Both datasets hold the two articles the real
datasets share (Harvard University, Prime number) so split hygiene is testable.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

XQUAD_LANGUAGES = ("en", "de", "es", "zh")
MLQA_LANGUAGES = ("en", "de", "es", "zh")
SHARED_TITLES = ("Harvard_University", "Prime_number")
STEMS = (
    "river city king war music science church film river law team ship bird gold star rain "
    "school tower bridge engine island forest market poem storm desert garden temple train"
).split()
SPECIAL_WORDS = ("query", "passage", ":", ".", "?", "what", "where")


def fixture_vocabulary(languages: tuple[str, ...] = XQUAD_LANGUAGES) -> list[str]:
    """Every token the fixtures can contain (for a tiny WordLevel tokenizer)."""
    words = {f"{stem}_{lang}" for stem in STEMS for lang in languages}
    words |= {f"q_{lang}" for lang in languages}
    return sorted(words) + list(SPECIAL_WORDS)


def sentence(rng: random.Random, stems: list[str], lang: str) -> str:
    return " ".join(f"{stem}_{lang}" for stem in stems) + " ."


def paragraph(rng: random.Random, lang: str, stem_lists: list[list[str]], questions: list[tuple[str, int]]) -> dict:
    """One SQuAD paragraph in ``lang``; ``questions`` = (id, index of the answer sentence)."""
    sentences = [sentence(rng, stems, lang) for stems in stem_lists]
    breaks, offset = [], 0
    for text in sentences:
        breaks.append([offset, offset + len(text)])
        offset += len(text) + 1
    qas = []
    for qid, answer in questions:
        start, _ = breaks[answer]
        answer_word = sentences[answer].split()[1]
        qas.append(
            {
                "id": qid,
                "question": f"q_{lang} " + " ".join(f"{s}_{lang}" for s in stem_lists[answer][:2]) + " ?",
                "answers": [{"answer_start": start + sentences[answer].index(answer_word), "text": answer_word}],
            }
        )
    return {"context": " ".join(sentences), "sentences": sentences, "sentence_breaks": breaks, "qas": qas}


def plan_articles(rng: random.Random, prefix: str, articles: int, paragraphs: int, sentences: int, questions: int) -> list[dict]:
    """Language-independent content: titles, stems per sentence, question ids and answers."""
    titles = list(SHARED_TITLES) + [f"{prefix}_article_{i}" for i in range(articles - len(SHARED_TITLES))]
    plan = []
    for title in titles:
        paras = []
        for p in range(paragraphs):
            stems = [rng.sample(STEMS, 4) for _ in range(sentences)]
            qs = [(f"{prefix}-{title}-{p}-{q}", rng.randrange(sentences)) for q in range(questions)]
            paras.append({"stems": stems, "questions": qs})
        plan.append({"title": title, "paragraphs": paras})
    return plan


def write_dataset(root: Path, name: str, languages: tuple[str, ...], plan: list[dict], coverage, rng: random.Random) -> None:
    """Write one language file per language; ``coverage(qid)`` = languages holding that question."""
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    for lang in languages:
        data = []
        for article in plan:
            paras = []
            for para in article["paragraphs"]:
                qs = [(qid, answer) for qid, answer in para["questions"] if lang in coverage(qid)]
                if qs:
                    paras.append(paragraph(rng, lang, para["stems"], qs))
            if paras:
                title = article["title"] if lang == "en" else f"{article['title']} ({lang})"
                data.append({"title": title if name == "xquad-r" else title.replace("_", " "), "paragraphs": paras})
        (folder / f"{lang}.json").write_text(json.dumps({"version": "1.1", "data": data}, ensure_ascii=False))


def write_lareqa_fixture(
    root: Path, articles: int = 4, paragraphs: int = 2, sentences: int = 4, questions: int = 2, seed: int = 0
) -> Path:
    """XQuAD-R-like (fully parallel) and MLQA-R-like (en + 1..3 others per question) folders under ``root``."""
    rng = random.Random(seed)
    xquad_plan = plan_articles(rng, "xq", articles, paragraphs, sentences, questions)
    write_dataset(root, "xquad-r", XQUAD_LANGUAGES, xquad_plan, lambda qid: XQUAD_LANGUAGES, rng)
    mlqa_plan = plan_articles(rng, "ml", articles, paragraphs, sentences, questions)
    others = [lang for lang in MLQA_LANGUAGES if lang != "en"]
    cover = {
        qid: ("en", *rng.sample(others, rng.randint(1, len(others))))
        for article in mlqa_plan
        for para in article["paragraphs"]
        for qid, _ in para["questions"]
    }
    write_dataset(root, "mlqa-r", MLQA_LANGUAGES, mlqa_plan, cover.__getitem__, rng)
    return root


def fill_missing_languages(root: Path) -> Path:
    """Give the fixture every language file the real datasets have (copies of en.json),
    so commands that refuse an incomplete ``--data`` folder accept it."""
    from synth.reproduce.data import DATASET_LANGUAGES

    for name, languages in DATASET_LANGUAGES.items():
        for lang in languages:
            target = root / name / f"{lang}.json"
            if not target.exists():
                target.write_bytes((root / name / "en.json").read_bytes())
    return root
