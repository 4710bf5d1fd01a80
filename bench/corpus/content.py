"""A small synthetic corpus of four paper-like documents about ML retrieval.

SYNTHETIC TEST FIXTURE: these are not real papers. Titles, authors, arXiv ids
(2501.0000N), numbers and findings are invented so that tests can render them
to PDF (``bench.corpus.pdf``), ingest them, and check retrieval, claim
extraction and verification against known ground truth. Cited works in the
reference lists are real papers, cited for realism only.

The facts are self-consistent across a paper (abstract, text and table agree),
so labeled claim and query sets can be written against this module:

- ``hybrid_batch`` (2501.00001): hybrid batches for multilingual retrieval,
  XLM-R and LaBSE, XQuAD-R / MLQA-R (mAP) and MIRACL (nDCG@10), rank-distance
  language bias. It is never evaluated on BEIR.
- ``lexical_dense`` (2501.00002): BM25 vs a dense bi-encoder vs RRF fusion on
  eight BEIR datasets (nDCG@10).
- ``language_bias`` (2501.00003): measuring language bias of multilingual dense
  retrievers (own-language share, rank distance), a language-balanced negative
  sampling fix.
- ``lr_warmup`` (2501.00004): an unrelated short note on learning-rate warm-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Table:
    label: str
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def lines(self) -> list[str]:
        """Caption, then one line per row (cells joined by spaces)."""
        return [f"{self.label}: {self.caption}"] + [" ".join(row) for row in (self.header, *self.rows)]


@dataclass(frozen=True)
class Section:
    number: str
    title: str
    paragraphs: tuple[str, ...]
    table: Table | None = None

    @property
    def heading(self) -> str:
        """The heading as printed in the PDF, e.g. ``"3.1 Datasets"``."""
        return f"{self.number} {self.title}" if self.number else self.title

    @property
    def level(self) -> int:
        """1 for ``3 Experiments``, 2 for ``3.1 Datasets``."""
        return self.number.count(".") + 1


@dataclass(frozen=True)
class CorpusReference:
    text: str
    arxiv_id: str | None = None


@dataclass(frozen=True)
class CorpusPaper:
    key: str
    arxiv_id: str
    version: str
    title: str
    short_title: str = field(metadata={"doc": "running header on every page"})
    authors: tuple[str, ...]
    year: int
    abstract: str
    sections: tuple[Section, ...]
    references: tuple[CorpusReference, ...]

    @property
    def versioned_id(self) -> str:
        return f"{self.arxiv_id}{self.version}"

    @property
    def headings(self) -> list[str]:
        """Every heading in reading order, ``Abstract`` and ``References`` included."""
        return ["Abstract", *(section.heading for section in self.sections), "References"]

    def section(self, heading_or_number: str) -> Section:
        """The section whose heading, number or title matches exactly."""
        for section in self.sections:
            if heading_or_number in (section.heading, section.number, section.title):
                return section
        raise KeyError(f"{self.key} has no section {heading_or_number!r}")

    def section_texts(self) -> list[tuple[str, str]]:
        """(heading, body text) per heading in reading order; tables as text lines."""
        bodies = [("Abstract", self.abstract)]
        for section in self.sections:
            table_lines = section.table.lines() if section.table else []
            bodies.append((section.heading, "\n".join([*section.paragraphs, *table_lines])))
        bodies.append(("References", "\n".join(reference.text for reference in self.references)))
        return bodies

    def text(self) -> str:
        """The whole paper as plain text in reading order (title first)."""
        parts = [self.title, ", ".join(self.authors)]
        for heading, body in self.section_texts():
            parts += [heading, body]
        return "\n".join(parts)

    def locate(self, passage: str) -> str:
        """Heading of the section whose body contains ``passage`` verbatim."""
        for heading, body in self.section_texts():
            if passage in body:
                return heading
        raise KeyError(f"passage not in {self.key}: {passage[:60]!r}")


def _refs(*entries: tuple[str, str | None]) -> tuple[CorpusReference, ...]:
    return tuple(CorpusReference(text, arxiv_id) for text, arxiv_id in entries)


HYBRID_BATCH = CorpusPaper(
    key="hybrid_batch",
    arxiv_id="2501.00001",
    version="v1",
    title="Hybrid Batch Training for Monolingual, Cross-lingual and Multilingual Retrieval",
    short_title="Hybrid Batch Training for Multilingual Retrieval",
    authors=("Mara Lindqvist", "Tomasz Okafor", "Priya Raman"),
    year=2025,
    abstract=(
        "Multilingual dense retrievers are usually fine-tuned for one retrieval setting at a time: "
        "monolingual batches help retrieval within a language, cross-lingual batches help retrieval "
        "across languages, and neither is best when the candidate pool mixes many languages. We "
        "propose hybrid batch training, in which every training batch holds question-answer pairs of "
        "a single language pair and is either monolingual or cross-lingual, chosen at random in "
        "proportion to the amount of data of each kind. We fine-tune XLM-R and LaBSE with the three "
        "strategies and evaluate them zero-shot on XQuAD-R, MLQA-R and MIRACL. Hybrid batches give the "
        "best multilingual retrieval for both encoders and both LAReQA datasets, reaching 0.578 mAP on "
        "XQuAD-R with LaBSE, while matching the better of the two pure strategies in the monolingual "
        "and cross-lingual settings. Hybrid training also reduces language bias, measured as the rank "
        "distance between parallel relevant answers, by about 41% relative to monolingual training."
    ),
    sections=(
        Section(
            "1",
            "Introduction",
            (
                "Retrieval systems increasingly serve users who ask questions in one language over "
                "collections written in many. Three settings are usually distinguished. In monolingual "
                "retrieval the query and the candidates share a language. In cross-lingual retrieval the "
                "query is in language X and every candidate is in a different language Y. In multilingual "
                "retrieval the candidate pool mixes all languages at once, so that a good model must rank "
                "the relevant answers in every language above the irrelevant answers in the query's own "
                "language.",
                "Multilingual encoders such as XLM-R and LaBSE are the usual starting point for dense "
                "retrieval across languages. Fine-tuning them on question-answer pairs with in-batch "
                "negatives is effective, but the composition of each batch decides what the model learns. "
                "Batches of monolingual pairs teach the model to match a question with an answer in the "
                "same language, and the model then prefers its own language in a mixed pool. Batches of "
                "cross-lingual pairs align languages but weaken monolingual ranking, because the negatives "
                "never share the query's language.",
                "We study a simple alternative that we call hybrid batch training. Each batch still holds "
                "pairs of one language pair only, so that its negatives share that pair, but the pair is "
                "monolingual for some batches and cross-lingual for others. The choice is random, with "
                "weights proportional to the number of monolingual and cross-lingual pairs available.",
                "Our contributions are threefold. First, we compare monolingual, cross-lingual and hybrid "
                "batches under identical data, steps and hyperparameters for two encoders. Second, we "
                "evaluate zero-shot on XQuAD-R, MLQA-R and MIRACL, none of which is seen during training. "
                "Third, we measure language bias with a rank-distance statistic and show that hybrid "
                "batches reduce it substantially.",
            ),
        ),
        Section(
            "2",
            "Method",
            (
                "This section describes the training objective, the three batch sampling strategies and "
                "the language bias measure used throughout the paper.",
            ),
        ),
        Section(
            "2.1",
            "Training objective",
            (
                "Given a question q in language X and its answer sentence a in language Y, the encoder maps "
                "both to unit vectors and scores them by cosine similarity. We minimise the InfoNCE loss "
                "with in-batch negatives: every other answer in the batch serves as a negative for q. The "
                "temperature is fixed at 0.05 for all runs. Questions and answers share one encoder.",
            ),
        ),
        Section(
            "2.2",
            "Batch sampling strategies",
            (
                "Monolingual batching draws every batch from a single pair X->X. Cross-lingual batching "
                "draws every batch from a single pair X->Y with X different from Y. Hybrid batching first "
                "decides whether the next batch is monolingual or cross-lingual, with probabilities "
                "proportional to the number of monolingual and cross-lingual training pairs, and then "
                "samples the language pair. With 11 languages there are 11 monolingual and 110 "
                "cross-lingual language pairs, so roughly nine in ten hybrid batches are cross-lingual "
                "when every pair holds the same amount of data.",
                "All three strategies see the same questions, the same number of steps and the same "
                "learning-rate schedule; only the grouping of examples into batches differs.",
            ),
        ),
        Section(
            "2.3",
            "Measuring language bias",
            (
                "In the multilingual setting each query has one relevant answer per language. For a query "
                "we take the ranks of these parallel answers in the mixed pool and compute the mean "
                "absolute difference between the ranks over all pairs of languages. We call the average of "
                "this quantity over queries the rank distance; lower is better, and an unbiased model that "
                "ranks all parallel answers next to each other scores close to zero. We also report the "
                "own-language share, the fraction of queries whose highest-ranked relevant answer is in the "
                "query's own language.",
            ),
        ),
        Section(
            "3",
            "Experiments",
            (
                "We fine-tune two encoders, XLM-R base (270M parameters) and LaBSE (471M parameters), with "
                "each of the three strategies and compare them with the encoders before fine-tuning.",
            ),
        ),
        Section(
            "3.1",
            "Datasets",
            (
                "XQuAD-R and MLQA-R are the retrieval versions of the XQuAD and MLQA question answering "
                "datasets introduced with LAReQA. XQuAD-R has parallel questions and passages in 11 "
                "languages and MLQA-R in 7 languages, which gives 110 cross-lingual and 11 monolingual "
                "language pairs for XQuAD-R and 42 cross-lingual and 7 monolingual pairs for MLQA-R. "
                "Candidates are the sentences of every passage in every language; XQuAD-R has about 13,000 "
                "candidate sentences and 1,190 questions per language.",
                "MIRACL covers 18 languages with native, non-parallel queries and passages. We use its "
                "development queries and report nDCG@10, the metric of the MIRACL leaderboard.",
                "Training uses a machine-translated version of the SQuAD v1.1 training set in the 11 XQuAD "
                "languages, 87,599 questions per language. No evaluation dataset is used for training or "
                "model selection: the models have never seen any sample of XQuAD-R, MLQA-R or MIRACL, so "
                "all results are zero-shot.",
            ),
        ),
        Section(
            "3.2",
            "Setup",
            (
                "Every run uses batch size 64, learning rate 2e-5 with 1,000 warm-up steps, 10,000 training "
                "steps and maximum sequence length 128. We train with three seeds (13, 42 and 97) and "
                "report the mean. A run takes about six hours on one A100 GPU. We report mean average "
                "precision (mAP) for XQuAD-R and MLQA-R in the multilingual, cross-lingual and "
                "monolingual settings, where the cross-lingual and monolingual figures are averages over "
                "all language pairs.",
            ),
        ),
        Section(
            "4",
            "Results",
            (
                "Table 1 reports mAP for both encoders and all strategies. Hybrid batches give the best "
                "multilingual mAP in all four combinations of encoder and dataset. With LaBSE on XQuAD-R "
                "the hybrid model reaches 0.578 mAP against 0.561 for cross-lingual and 0.523 for "
                "monolingual batches; with XLM-R on MLQA-R it reaches 0.449 against 0.433 and 0.401.",
                "In the cross-lingual setting, cross-lingual batches remain slightly ahead, by at most "
                "0.004 mAP (0.566 against 0.562 for XLM-R on XQuAD-R), a difference within the spread of "
                "our three seeds. In the monolingual setting, hybrid batches match or exceed monolingual "
                "batches, for example 0.744 against 0.741 with LaBSE on XQuAD-R, while cross-lingual "
                "batches lose up to 0.031 mAP.",
                "Language bias drops sharply with hybrid training. On XQuAD-R the rank distance of XLM-R "
                "falls from 14.2 with monolingual batches to 9.1 with cross-lingual and 8.4 with hybrid "
                "batches; for LaBSE it falls from 11.6 to 7.3 and 6.8. This is a relative reduction of "
                "40.8% for XLM-R and 41.4% for LaBSE compared with monolingual training. The own-language "
                "share of LaBSE falls from 0.62 to 0.31.",
                "On MIRACL, LaBSE with hybrid batches obtains an average nDCG@10 of 0.412 over the 18 "
                "languages, against 0.398 for monolingual and 0.371 for cross-lingual batches. The gains "
                "are largest for low-resource languages such as Swahili and Telugu.",
            ),
            Table(
                label="Table 1",
                caption="Zero-shot mAP, mean of three seeds. Multi = multilingual pool; Cross and Mono are "
                "averages over language pairs.",
                header=("Dataset", "Model", "Batches", "Multi", "Cross", "Mono"),
                rows=(
                    ("XQuAD-R", "XLM-R", "mono", "0.482", "0.531", "0.702"),
                    ("XQuAD-R", "XLM-R", "cross", "0.519", "0.566", "0.671"),
                    ("XQuAD-R", "XLM-R", "hybrid", "0.541", "0.562", "0.705"),
                    ("XQuAD-R", "LaBSE", "mono", "0.523", "0.590", "0.741"),
                    ("XQuAD-R", "LaBSE", "cross", "0.561", "0.621", "0.715"),
                    ("XQuAD-R", "LaBSE", "hybrid", "0.578", "0.618", "0.744"),
                    ("MLQA-R", "XLM-R", "mono", "0.401", "0.452", "0.634"),
                    ("MLQA-R", "XLM-R", "cross", "0.433", "0.481", "0.609"),
                    ("MLQA-R", "XLM-R", "hybrid", "0.449", "0.478", "0.638"),
                    ("MLQA-R", "LaBSE", "mono", "0.447", "0.503", "0.668"),
                    ("MLQA-R", "LaBSE", "cross", "0.472", "0.526", "0.642"),
                    ("MLQA-R", "LaBSE", "hybrid", "0.489", "0.524", "0.671"),
                ),
            ),
        ),
        Section(
            "5",
            "Conclusion",
            (
                "Hybrid batch training is a one-line change to the data loader that improves multilingual "
                "retrieval without sacrificing monolingual or cross-lingual quality and that roughly halves "
                "the preference of the retriever for the query's own language. Its main limitation is that "
                "our training data is machine-translated; we leave human-translated training pairs and "
                "larger encoders to future work.",
            ),
        ),
        Section(
            "A",
            "Appendix: Hyperparameter sensitivity",
            (
                "Replacing the data-proportional choice by a fixed ratio of one monolingual batch for every "
                "cross-lingual batch lowers multilingual mAP of LaBSE on XQuAD-R from 0.578 to 0.571. A "
                "temperature of 0.1 instead of 0.05 lowers it to 0.566.",
            ),
        ),
    ),
    references=_refs(
        ("A. Conneau, K. Khandelwal, N. Goyal, et al. Unsupervised cross-lingual representation learning "
         "at scale. In ACL, 2020. arXiv:1911.02116.", "1911.02116"),
        ("F. Feng, Y. Yang, D. Cer, N. Arivazhagan, W. Wang. Language-agnostic BERT sentence embedding. "
         "In ACL, 2022. arXiv:2007.01852v2.", "2007.01852v2"),
        ("U. Roy, N. Constant, R. Al-Rfou, A. Barua, A. Phillips, Y. Yang. LAReQA: Language-agnostic answer "
         "retrieval from a multilingual pool. In EMNLP, 2020. https://arxiv.org/abs/2004.05484", "2004.05484"),
        ("P. Lewis, B. Oguz, R. Rinott, S. Riedel, H. Schwenk. MLQA: Evaluating cross-lingual extractive "
         "question answering. In ACL, 2020. arXiv:1910.07475.", "1910.07475"),
        ("X. Zhang, N. Thakur, O. Ogundepo, et al. MIRACL: A multilingual retrieval dataset covering 18 "
         "diverse languages. TACL, 2023. arXiv:2210.09984.", "2210.09984"),
        ("H. Sato, L. Moreau, A. Bello. Measuring language bias in multilingual dense retrievers. "
         "arXiv:2501.00003, 2025.", "2501.00003"),
        ("A. van den Oord, Y. Li, O. Vinyals. Representation learning with contrastive predictive coding. "
         "Technical report, 2018.", None),
    ),
)

LEXICAL_DENSE = CorpusPaper(
    key="lexical_dense",
    arxiv_id="2501.00002",
    version="v2",
    title="Lexical or Dense? Revisiting BM25 and Dense Retrievers on BEIR",
    short_title="Lexical or Dense? BM25 and Dense Retrievers on BEIR",
    authors=("Elena Voss", "Kwame Mensah"),
    year=2024,
    abstract=(
        "Dense retrievers trained on MS MARCO are often assumed to supersede lexical retrieval. We "
        "compare BM25 with a BERT-base dense bi-encoder and with their reciprocal rank fusion on eight "
        "datasets of the BEIR benchmark under zero-shot transfer. BM25 reaches an average nDCG@10 of "
        "0.449 against 0.425 for the dense retriever and wins on 6 of the 8 datasets. Fusing both with "
        "reciprocal rank fusion gives 0.488 and beats both components on 7 of the 8 datasets. Dense "
        "retrieval wins clearly only on Natural Questions and FiQA, whose queries resemble its training "
        "data."
    ),
    sections=(
        Section(
            "1",
            "Introduction",
            (
                "Since dense passage retrieval was introduced, bi-encoders trained on large question "
                "answering collections have displaced term-matching models on in-domain benchmarks. The "
                "BEIR benchmark was built to test whether these gains transfer to new domains without "
                "any in-domain training data. Its eighteen datasets range from biomedical literature to "
                "argument retrieval and financial question answering.",
                "We revisit this comparison with a deliberately simple setup: one lexical model, one dense "
                "model and one fusion of the two, all evaluated with the same tooling. Our question is not "
                "which model is best overall but where each kind of retrieval fails.",
            ),
        ),
        Section(
            "2",
            "Method",
            (
                "The lexical model is BM25 with parameters k1 = 0.9 and b = 0.4 over a Lucene index with "
                "English stemming and stop-word removal. The dense model is a BERT-base bi-encoder with 110M "
                "parameters, trained for 40 epochs on the 8.8M-passage MS MARCO collection with hard "
                "negatives mined by BM25. Passages and queries are encoded separately and scored by dot "
                "product over an exact flat index.",
                "Fusion uses reciprocal rank fusion (RRF): each document receives the sum over the two "
                "rankings of 1 / (k + rank), with k = 60, and the top 1,000 documents of each retriever are "
                "fused. RRF needs no score normalisation and no training data, which keeps the comparison "
                "zero-shot.",
            ),
        ),
        Section(
            "3",
            "Experiments",
            (
                "We evaluate on eight BEIR datasets: TREC-COVID, NFCorpus, Natural Questions (NQ), "
                "HotpotQA, FiQA-2018, ArguAna, Touche-2020 and SciFact. The primary metric is nDCG@10; we "
                "also report Recall@100 in the text. All runs use the official test splits and qrels.",
                "Indexing the largest corpus, HotpotQA with 5.2M passages, takes 14 minutes for BM25 on 16 "
                "CPU cores and 3.1 hours for the dense model on one V100 GPU. The BM25 index occupies 2.4 GB "
                "and the dense index 15.9 GB. Median query latency is 21 ms for BM25 and 118 ms for the "
                "dense model on CPU.",
            ),
        ),
        Section(
            "4",
            "Results",
            (
                "Table 1 lists nDCG@10 per dataset. BM25 outperforms the dense retriever on six of the eight "
                "datasets; the exceptions are NQ (0.474 against 0.329) and FiQA (0.282 against 0.236). The "
                "largest lexical advantage is on Touche-2020, where BM25 reaches 0.367 and the dense model "
                "only 0.231.",
                "RRF fusion improves over the better single retriever on seven of the eight datasets and "
                "raises the average nDCG@10 from 0.449 (BM25) to 0.488. The only dataset where fusion hurts "
                "is Touche-2020, where the weak dense ranking pulls the fused score down to 0.329. Recall@100 "
                "follows the same pattern: fusion reaches 0.702 on average against 0.651 for BM25 and 0.618 "
                "for the dense model.",
                "Error analysis on 200 failed NQ queries shows that BM25 mostly fails on paraphrased "
                "questions that share few terms with the answer passage, while the dense model fails on "
                "queries dominated by rare entity names, numbers and identifiers.",
            ),
            Table(
                label="Table 1",
                caption="nDCG@10 on eight BEIR datasets (zero-shot).",
                header=("Dataset", "BM25", "Dense", "RRF"),
                rows=(
                    ("TREC-COVID", "0.656", "0.612", "0.703"),
                    ("NFCorpus", "0.325", "0.311", "0.342"),
                    ("NQ", "0.329", "0.474", "0.481"),
                    ("HotpotQA", "0.603", "0.512", "0.634"),
                    ("FiQA-2018", "0.236", "0.282", "0.301"),
                    ("ArguAna", "0.414", "0.391", "0.437"),
                    ("Touche-2020", "0.367", "0.231", "0.329"),
                    ("SciFact", "0.665", "0.588", "0.679"),
                    ("Average", "0.449", "0.425", "0.488"),
                ),
            ),
        ),
        Section(
            "5",
            "Conclusion",
            (
                "BM25 remains a strong zero-shot baseline on BEIR, and a parameter-free fusion with a dense "
                "model is the most robust choice we tested. Dense retrievers should be compared against "
                "such a hybrid, not against BM25 alone. We did not study multilingual retrieval; all eight "
                "datasets are English.",
            ),
        ),
    ),
    references=_refs(
        ("N. Thakur, N. Reimers, A. Rueckle, A. Srivastava, I. Gurevych. BEIR: A heterogeneous benchmark for "
         "zero-shot evaluation of information retrieval models. In NeurIPS Datasets and Benchmarks, 2021. "
         "https://arxiv.org/abs/2104.08663v4", "2104.08663v4"),
        ("V. Karpukhin, B. Oguz, S. Min, et al. Dense passage retrieval for open-domain question answering. "
         "In EMNLP, 2020. arXiv:2004.04906.", "2004.04906"),
        ("S. Robertson, H. Zaragoza. The probabilistic relevance framework: BM25 and beyond. Foundations and "
         "Trends in Information Retrieval, 3(4), 2009.", None),
        ("G. V. Cormack, C. L. A. Clarke, S. Buettcher. Reciprocal rank fusion outperforms Condorcet and "
         "individual rank learning methods. In SIGIR, 2009.", None),
        ("T. Nguyen, M. Rosenberg, X. Song, et al. MS MARCO: A human generated machine reading comprehension "
         "dataset. arXiv:1611.09268, 2016.", "1611.09268"),
        ("J. Devlin, M.-W. Chang, K. Lee, K. Toutanova. BERT: Pre-training of deep bidirectional transformers "
         "for language understanding. In NAACL, 2019. arXiv:1810.04805.", "1810.04805"),
    ),
)

LANGUAGE_BIAS = CorpusPaper(
    key="language_bias",
    arxiv_id="2501.00003",
    version="v1",
    title="Measuring Language Bias in Multilingual Dense Retrievers",
    short_title="Language Bias in Multilingual Dense Retrievers",
    authors=("Haruka Sato", "Lucas Moreau", "Aisha Bello"),
    year=2025,
    abstract=(
        "A multilingual retriever should rank a relevant answer the same whatever its language. We "
        "measure how far four multilingual dense retrievers are from this ideal on XQuAD-R, using the "
        "own-language share and the rank distance between parallel answers. All four models prefer "
        "answers in the query's language; the own-language share ranges from 0.44 for LaBSE to 0.71 "
        "for a DPR model fine-tuned on English data only. Bias correlates with the share of the query "
        "language in pre-training data (Spearman rho = 0.71). Language-balanced negative sampling lowers "
        "the own-language share of mContriever from 0.58 to 0.37 at a cost of 0.6 mAP points."
    ),
    sections=(
        Section(
            "1",
            "Introduction",
            (
                "Multilingual dense retrievers embed text from many languages in one vector space. In a "
                "mixed-language candidate pool, a language-agnostic model would place parallel answers next "
                "to each other in the ranking, but in practice models often rank a mediocre answer in the "
                "query's language above an excellent answer in another language. We call this preference "
                "language bias.",
                "Language bias matters whenever users search collections in several languages at once, for "
                "example news archives or scientific literature. It is invisible to cross-lingual "
                "benchmarks, where each candidate pool holds a single language.",
            ),
        ),
        Section(
            "2",
            "Method",
            (
                "We use two statistics computed from the multilingual setting, where each query has one "
                "relevant answer in each of the 11 XQuAD-R languages. The own-language share is the fraction "
                "of queries whose top-ranked relevant answer is in the query's language; an unbiased model "
                "scores 1/11, about 0.09. The rank distance is the mean absolute difference between the "
                "ranks of the parallel relevant answers, averaged over language pairs and queries.",
                "To reduce bias we propose language-balanced negative sampling: when fine-tuning, each batch "
                "receives negatives drawn evenly from all training languages, so that the query language no "
                "longer separates positives from negatives.",
            ),
        ),
        Section(
            "3",
            "Experiments",
            (
                "We evaluate four public models without further training: LaBSE, mContriever, multilingual "
                "E5 small (mE5-small) and a DPR bi-encoder fine-tuned on English Natural Questions on top of "
                "multilingual BERT (mDPR). We fine-tune mContriever for 5,000 steps on machine-translated "
                "SQuAD with and without language-balanced negatives, batch size 128, learning rate 1e-5.",
                "Pre-training language shares are taken from the CC-100 statistics used to train XLM-R; "
                "English accounts for 5.5% of the tokens and Swahili for 0.1%.",
            ),
        ),
        Section(
            "4",
            "Results",
            (
                "Table 1 summarises the measurements. Every model ranks its own-language answer first far "
                "more often than the unbiased 0.09. mDPR is the most biased model with an own-language share "
                "of 0.71 and a rank distance of 21.4, and LaBSE the least biased with 0.44 and 6.9. Higher "
                "multilingual mAP goes with lower bias: LaBSE has both the best mAP (0.532) and the lowest "
                "rank distance.",
                "Bias is strongest for English queries: the own-language share of mE5-small is 0.81 for "
                "English and 0.39 for Greek queries. Across the 11 languages the own-language share "
                "correlates with the language's share of pre-training tokens (Spearman rho = 0.71).",
                "Language-balanced negatives lower the own-language share of mContriever from 0.58 to 0.37 "
                "and its rank distance from 12.8 to 7.7, while multilingual mAP drops from 0.498 to 0.492, "
                "that is by 0.6 points. Hybrid batch training (Lindqvist et al., 2025) reports a comparable "
                "reduction of rank distance through batch composition alone.",
            ),
            Table(
                label="Table 1",
                caption="Language bias on XQuAD-R (multilingual pool, 11 languages).",
                header=("Model", "mAP", "Rank dist.", "Own-lang."),
                rows=(
                    ("LaBSE", "0.532", "6.9", "0.44"),
                    ("mContriever", "0.498", "12.8", "0.58"),
                    ("mE5-small", "0.517", "9.6", "0.52"),
                    ("mDPR", "0.351", "21.4", "0.71"),
                    ("mContriever + balanced", "0.492", "7.7", "0.37"),
                ),
            ),
        ),
        Section(
            "5",
            "Discussion",
            (
                "Our measurements use parallel data, which is rare outside of research benchmarks. On "
                "non-parallel collections such as MIRACL the two statistics cannot be computed directly, "
                "and we see estimating language bias without parallel answers as the main open problem.",
            ),
        ),
        Section(
            "6",
            "Conclusion",
            (
                "All four multilingual dense retrievers we tested show a strong preference for the query's "
                "language. The preference follows pre-training data and can be reduced cheaply with "
                "language-balanced negatives.",
            ),
        ),
    ),
    references=_refs(
        ("M. Lindqvist, T. Okafor, P. Raman. Hybrid batch training for monolingual, cross-lingual and "
         "multilingual retrieval. arXiv:2501.00001v1, 2025.", "2501.00001v1"),
        ("U. Roy, N. Constant, R. Al-Rfou, A. Barua, A. Phillips, Y. Yang. LAReQA: Language-agnostic answer "
         "retrieval from a multilingual pool. In EMNLP, 2020. arXiv:2004.05484.", "2004.05484"),
        ("G. Izacard, M. Caron, L. Hosseini, et al. Unsupervised dense information retrieval with contrastive "
         "learning. TMLR, 2022. arXiv:2112.09118.", "2112.09118"),
        ("L. Wang, N. Yang, X. Huang, et al. Multilingual E5 text embeddings: A technical report. "
         "arXiv:2402.05672, 2024.", "2402.05672"),
        ("M. Artetxe, S. Ruder, D. Yogatama. On the cross-lingual transferability of monolingual "
         "representations. In ACL, 2020. http://arxiv.org/abs/1910.11856v3", "1910.11856v3"),
        ("C. Spearman. The proof and measurement of association between two things. American Journal of "
         "Psychology, 15(1), 1904.", None),
    ),
)

LR_WARMUP = CorpusPaper(
    key="lr_warmup",
    arxiv_id="2501.00004",
    version="v1",
    title="A Short Note on Learning-Rate Warm-up for Adam",
    short_title="Learning-Rate Warm-up for Adam",
    authors=("Daniel Ferreira",),
    year=2023,
    abstract=(
        "Learning-rate warm-up is standard practice when training Transformers with Adam, but the "
        "required length is rarely justified. Training a 124M-parameter language model on 9B tokens, we "
        "find that without warm-up 3 of 5 seeds diverge at a peak learning rate of 6e-4, while a linear "
        "warm-up of only 500 steps prevents divergence in all seeds. Longer warm-up brings no further "
        "benefit: 2,000 steps give the best validation loss, 3.10, and 8,000 steps are slightly worse."
    ),
    sections=(
        Section(
            "1",
            "Introduction",
            (
                "Adaptive optimisers estimate the second moment of the gradient from few samples early in "
                "training, and the resulting large updates can destabilise deep networks. Warm-up, which "
                "raises the learning rate linearly from zero over the first steps, is the usual remedy.",
                "Published recipes disagree widely on its length. Some language-model recipes warm up for "
                "2,000 steps, others for 1% or 10% of training, and vision recipes often warm up for five "
                "epochs. Rectified Adam was proposed to remove the need for warm-up altogether by correcting "
                "the variance of the adaptive learning rate. We ask a narrower question: for a fixed model "
                "and peak learning rate, how short can warm-up be before training becomes unstable, and does "
                "a longer warm-up improve the final loss?",
            ),
        ),
        Section(
            "2",
            "Method",
            (
                "We train a decoder-only Transformer with 12 layers, hidden size 768 and 124M parameters on "
                "9B tokens of OpenWebText with AdamW (beta1 = 0.9, beta2 = 0.95, weight decay 0.1), batch "
                "size 0.5M tokens and a cosine decay to 10% of the peak learning rate of 6e-4 over 18,000 "
                "steps. Warm-up lengths are 0, 500, 2,000 and 8,000 steps, each with five seeds.",
                "Warm-up is linear from zero to the peak learning rate, after which the cosine decay starts; "
                "the total number of steps is the same for every warm-up length, so a longer warm-up "
                "shortens the time spent near the peak. Gradient clipping at norm 1.0 is used in every run. "
                "We also train one configuration with Rectified Adam and no warm-up for comparison.",
            ),
        ),
        Section(
            "3",
            "Experiments",
            (
                "A run counts as diverged when the training loss exceeds 8.0 after step 1,000. Each run "
                "takes 19 hours on eight A100 GPUs. We report the final validation loss averaged over "
                "non-diverged seeds.",
            ),
        ),
        Section(
            "4",
            "Results",
            (
                "Table 1 shows that warm-up mainly buys stability. Without warm-up three of five seeds "
                "diverge within the first 300 steps. With 500 steps no seed diverges and the validation "
                "loss is 3.12; 2,000 steps give 3.10 and 8,000 steps 3.15, since the long ramp wastes a "
                "large part of the training budget at low learning rates.",
                "The diverged runs share a pattern: the gradient norm grows by two orders of magnitude in the "
                "first 150 steps, the second-moment estimates of the embedding layer stay close to zero, and "
                "the loss spikes above 10 before clipping can contain it. With 500 warm-up steps the largest "
                "gradient norm in the first 1,000 steps is 4.2 on average, against 87 without warm-up.",
                "Rectified Adam without warm-up did not diverge in any of five seeds and reached a validation "
                "loss of 3.13, close to the 500-step warm-up. The effect of warm-up length on the final loss "
                "is small compared with the effect on stability: the spread between 500 and 8,000 steps is "
                "0.05, while the seed-to-seed standard deviation is 0.01.",
            ),
            Table(
                label="Table 1",
                caption="Validation loss and diverged seeds by warm-up length.",
                header=("Warm-up steps", "Val. loss", "Diverged"),
                rows=(
                    ("0", "3.41", "3/5"),
                    ("500", "3.12", "0/5"),
                    ("2,000", "3.10", "0/5"),
                    ("8,000", "3.15", "0/5"),
                ),
            ),
        ),
        Section(
            "5",
            "Conclusion",
            (
                "A short linear warm-up of a few hundred steps is enough to stabilise Adam in this regime; "
                "beyond about 10% of training, longer warm-up costs more than it helps.",
            ),
        ),
    ),
    references=_refs(
        ("D. P. Kingma, J. Ba. Adam: A method for stochastic optimization. In ICLR, 2015. arXiv:1412.6980.",
         "1412.6980"),
        ("L. Liu, H. Jiang, P. He, et al. On the variance of the adaptive learning rate and beyond. In ICLR, "
         "2020. arXiv:1908.03265v4.", "1908.03265v4"),
        ("P. Goyal, P. Dollar, R. Girshick, et al. Accurate, large minibatch SGD: Training ImageNet in 1 hour. "
         "arXiv:1706.02677, 2017.", "1706.02677"),
        ("R. Xiong, Y. Yang, D. He, et al. On layer normalization in the Transformer architecture. In ICML, "
         "2020. arxiv.org/abs/2002.04745", "2002.04745"),
        ("J. Polchinski. Synthetic old-style identifier used to test parsing only. arXiv:hep-th/9901001, "
         "1999.", "hep-th/9901001"),
    ),
)

CORPUS: tuple[CorpusPaper, ...] = (HYBRID_BATCH, LEXICAL_DENSE, LANGUAGE_BIAS, LR_WARMUP)


def corpus_paper(key_or_id: str) -> CorpusPaper:
    """The corpus paper with this key, arXiv id or versioned id."""
    for paper in CORPUS:
        if key_or_id in (paper.key, paper.arxiv_id, paper.versioned_id):
            return paper
    raise KeyError(f"no corpus paper {key_or_id!r}; known: {[paper.key for paper in CORPUS]}")


def find_passage(passage: str) -> tuple[str, str]:
    """(paper key, section heading) of the one corpus paper containing ``passage``."""
    found = []
    for paper in CORPUS:
        try:
            found.append((paper.key, paper.locate(passage)))
        except KeyError:
            continue
    if len(found) != 1:
        raise KeyError(f"passage found in {len(found)} papers, expected 1: {passage[:60]!r}")
    return found[0]
