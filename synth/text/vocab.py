"""Named things a retrieval-research claim or question can mention.

Each entry maps a canonical name to the surface forms that count as a mention.
Matching is case-insensitive on word boundaries (see ``synth.text.mentions``),
so aliases are written as they appear in papers. The lists are deliberately
domain-specific (multilingual / neural retrieval): an unknown name is simply
not an entity, which makes a claim less check-worthy, never wrong.
"""

from __future__ import annotations

DATASETS: dict[str, list[str]] = {
    "XQuAD-R": ["XQuAD-R", "XQuADR", "XQuAD R"],
    "MLQA-R": ["MLQA-R", "MLQAR", "MLQA R"],
    "MIRACL": ["MIRACL"],
    "LAReQA": ["LAReQA"],
    "XQuAD": ["XQuAD"],
    "MLQA": ["MLQA"],
    "SQuAD": ["SQuAD"],
    "Natural Questions": ["Natural Questions", "NQ"],
    "MS MARCO": ["MS MARCO", "MSMARCO", "MS-MARCO"],
    "Mr. TyDi": ["Mr. TyDi", "Mr.TyDi", "MrTyDi"],
    "TyDi QA": ["TyDi QA", "TyDiQA", "TyDi"],
    "XOR-TyDi": ["XOR-TyDi", "XOR TyDi", "XOR-Retrieve"],
    "MKQA": ["MKQA"],
    "NFCorpus": ["NFCorpus"],
    "SciFact": ["SciFact"],
    "FiQA": ["FiQA"],
    "TREC-COVID": ["TREC-COVID", "TREC COVID"],
    "HotpotQA": ["HotpotQA"],
    "ArguAna": ["ArguAna"],
    "Touche-2020": ["Touche-2020", "Touché-2020", "Touche"],
    "CLEF": ["CLEF"],
    "Wikipedia": ["Wikipedia"],
}

BENCHMARKS: dict[str, list[str]] = {
    "BEIR": ["BEIR"],
    "MTEB": ["MTEB"],
    "XTREME": ["XTREME"],
    "KILT": ["KILT"],
    "TREC": ["TREC"],
}

MODELS: dict[str, list[str]] = {
    "XLM-R": ["XLM-R", "XLM-RoBERTa", "XLMR", "XLM RoBERTa"],
    "LaBSE": ["LaBSE"],
    "mBERT": ["mBERT", "multilingual BERT"],
    "multilingual-e5": ["multilingual-e5", "mE5", "multilingual E5", "e5-small", "multilingual-e5-small", "mE5-small"],
    "E5": ["E5"],
    "BERT": ["BERT"],
    "RoBERTa": ["RoBERTa"],
    "BM25": ["BM25", "Okapi"],
    "DPR": ["DPR", "dense passage retrieval"],
    "mDPR": ["mDPR"],
    "ColBERT": ["ColBERT"],
    "Contriever": ["Contriever", "mContriever"],
    "SPLADE": ["SPLADE"],
    "mT5": ["mT5"],
    "T5": ["T5"],
    "GPT-4": ["GPT-4", "GPT4"],
    "LLaMA": ["LLaMA", "Llama"],
    "MiniLM": ["MiniLM", "all-MiniLM-L6-v2"],
}

METRICS: dict[str, list[str]] = {
    "mAP": ["mAP", "mean average precision", "MAP"],
    "MRR": ["MRR", "mean reciprocal rank", "MRR@10"],
    "nDCG@10": ["nDCG@10", "NDCG@10", "nDCG", "NDCG"],
    "Recall@k": ["Recall@100", "Recall@10", "Recall@20", "Recall@1000", "recall"],
    "accuracy": ["accuracy"],
    "F1": ["F1", "macro-F1"],
    "rank distance": ["rank distance"],
    "language bias": ["language bias"],
}

METHODS: dict[str, list[str]] = {
    "hybrid batch training": ["hybrid batch", "hybrid batches", "hybrid batch training", "hybrid batch sampling"],
    "monolingual batch training": ["monolingual batch", "monolingual batches", "monolingual training"],
    "cross-lingual batch training": ["cross-lingual batch", "cross-lingual batches", "cross-lingual training"],
    "domain adaptation": ["domain adaptation", "domain-adaptive", "domain adaptive"],
    "contrastive learning": ["contrastive learning", "contrastive loss", "InfoNCE"],
    "knowledge distillation": ["knowledge distillation", "distillation"],
    "in-batch negatives": ["in-batch negatives", "in-batch negative"],
    "hard negative mining": ["hard negatives", "hard negative mining", "hard negative"],
    "machine translation": ["machine translation", "translate-train", "translate-test"],
    "query expansion": ["query expansion"],
    "dense retrieval": ["dense retrieval", "dense retriever", "dense retrievers", "bi-encoder"],
    "lexical retrieval": ["lexical retrieval", "lexical retriever", "sparse retrieval", "lexical"],
    "re-ranking": ["re-ranking", "reranking", "cross-encoder"],
    "fine-tuning": ["fine-tuning", "fine-tune", "fine-tunes", "fine-tuned"],
    "zero-shot transfer": ["zero-shot", "zero shot"],
    "pre-training": ["pre-training", "pretraining", "pre-trained", "pretrained"],
}

GENERIC_METHODS = frozenset({"fine-tuning", "zero-shot transfer", "pre-training", "dense retrieval", "lexical retrieval"})
"""Methods too broad to be the subject of a question (synth.premises)."""

LANGUAGES: dict[str, list[str]] = {
    "ar": ["Arabic"],
    "de": ["German"],
    "el": ["Greek"],
    "en": ["English"],
    "es": ["Spanish"],
    "hi": ["Hindi"],
    "ru": ["Russian"],
    "th": ["Thai"],
    "tr": ["Turkish"],
    "vi": ["Vietnamese"],
    "zh": ["Chinese", "Mandarin"],
    "fr": ["French"],
    "ja": ["Japanese"],
    "ko": ["Korean"],
    "bn": ["Bengali"],
    "fi": ["Finnish"],
    "id": ["Indonesian"],
    "sw": ["Swahili"],
    "te": ["Telugu"],
    "fa": ["Persian", "Farsi"],
    "it": ["Italian"],
    "pt": ["Portuguese"],
}

LANGUAGE_NAMES: dict[str, str] = {code: names[0] for code, names in LANGUAGES.items()}

ENTITY_KINDS: dict[str, dict[str, list[str]]] = {
    "dataset": DATASETS,
    "benchmark": BENCHMARKS,
    "model": MODELS,
    "metric": METRICS,
    "method": METHODS,
    "language": LANGUAGES,
}
"""Kind (as in PremiseCheck.kind) -> canonical name -> aliases."""
