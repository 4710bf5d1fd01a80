"""The relevance gate: which sources address the report's question, and which claims answer it.

A paper's relevance is the best cosine similarity between the question and one
of its passages (the bundled all-MiniLM-L6-v2 embeddings the dense index
holds). A paper below ``settings.verify.relevance.min_paper_score`` is not a
source of the report; when no paper reaches it the report has none and says
so. The threshold was fitted on labeled on- and off-topic questions
(bench/bench_relevance.py, figures in bench/RESULTS.md).

Claims are taken only from the papers that pass, which is what keeps claims
off the question out of a report (the warm-up paper's in a report on language
bias). A further cut on question-claim cosine was measured and not adopted: on
the corpus questions no cut keeps most claims of the papers that study the
question while dropping most of the others (``bench_relevance.py --claims``).
"""

from __future__ import annotations

from dataclasses import dataclass

from synth.index.library import Library
from synth.report.document import Limitation
from synth.verify.policy import RelevancePolicy

NO_PASSAGE = -1.0
"""The score of a paper with no passage to compare (or an empty question): the lowest cosine."""


@dataclass(frozen=True)
class Relevance:
    """Each paper's relevance to the question (paper id -> score, in the order given) and the cut applied."""

    scores: dict[str, float]
    threshold: float

    @property
    def passing(self) -> list[str]:
        return [paper_id for paper_id, score in self.scores.items() if score >= self.threshold]

    @property
    def dropped(self) -> list[str]:
        return [paper_id for paper_id, score in self.scores.items() if score < self.threshold]

    @property
    def any_passes(self) -> bool:
        return bool(self.passing)

    def limitation(self) -> Limitation | None:
        """What the report says about the papers it left out, if any."""
        if not self.dropped:
            return None
        listed = ", ".join(f"{paper_id} ({self.scores[paper_id]:.2f})" for paper_id in self.dropped)
        return Limitation(what="Papers off the question",
                          why=f"left out as sources: their best passage's similarity to the question is below "
                              f"{self.threshold:.2f}: {listed}")


def paper_score(library: Library, question: str, paper_id: str) -> float:
    """The best question-passage cosine of one paper."""
    hits = library.dense_search(question, k=1, paper_ids=[paper_id])
    return hits[0].score if hits else NO_PASSAGE


def question_relevance(library: Library, question: str, paper_ids: list[str],
                       policy: RelevancePolicy | None = None) -> Relevance:
    """Score every paper against the question and hold them to ``policy.min_paper_score``."""
    policy = policy or library.settings.verify.relevance
    return Relevance({paper_id: paper_score(library, question, paper_id) for paper_id in paper_ids},
                     policy.min_paper_score)

