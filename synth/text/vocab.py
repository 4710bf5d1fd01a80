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


# --- What a research question can presuppose (synth.premises) -------------------------------
# A question can name anything a reader has heard of (XTREME-R, MMLU, BLOOM, exact match, the
# legal domain), so the premise checker reads ENTITY_KINDS plus these tables (QUESTION_KINDS).
# A name missing here is still a premise (synth.premises.extract finds unknown capitalised and
# code-like names); the tables only decide its kind, its aliases, and whether "found in no
# source" means "not studied" (known) or "not found in any source" (unknown).

QUESTION_EXTRA: dict[str, dict[str, list[str]]] = {
    "benchmark": {
        "XTREME-R": ["XTREME-R", "XTREMER"],
        "XGLUE": ["XGLUE"],
        "GLUE": ["GLUE"],
        "SuperGLUE": ["SuperGLUE"],
        "MMLU": ["MMLU"],
        "BIG-bench": ["BIG-bench", "BIG bench", "BIGbench"],
        "HELM": ["HELM"],
        "SentEval": ["SentEval"],
        "STS benchmark": ["STS benchmark", "STS-B", "STSb", "STS"],
        "LoTTE": ["LoTTE"],
        "SciDocs": ["SciDocs", "SCIDOCS"],
        "CoIR": ["CoIR"],
        "CodeSearchNet": ["CodeSearchNet"],
    },
    "dataset": {
        "XNLI": ["XNLI"],
        "PAWS-X": ["PAWS-X"],
        "FEVER": ["FEVER"],
        "Climate-FEVER": ["Climate-FEVER"],
        "XL-Sum": ["XL-Sum", "XLSum"],
        "XSum": ["XSum"],
        "CNN/Daily Mail": ["CNN/Daily Mail", "CNN/DailyMail", "CNN/DM"],
        "SNLI": ["SNLI"],
        "MultiNLI": ["MultiNLI", "MNLI"],
        "TriviaQA": ["TriviaQA"],
        "RACE": ["RACE"],
        "WMT": ["WMT", "WMT 2014", "WMT14"],
        "CC-100": ["CC-100", "CC100"],
        "Common Crawl": ["Common Crawl", "CommonCrawl"],
        "C4": ["C4"],
        "OpenWebText": ["OpenWebText"],
        "BookCorpus": ["BookCorpus", "BooksCorpus"],
        "ImageNet": ["ImageNet"],
        "Penn Treebank": ["Penn Treebank", "PTB"],
        "WikiText": ["WikiText", "WikiText-103"],
        "CoNLL": ["CoNLL", "CoNLL-2003"],
        "OntoNotes": ["OntoNotes"],
        "SST-2": ["SST-2", "SST"],
        "Quora": ["Quora"],
        "DBPedia": ["DBPedia"],
        "BUCC": ["BUCC"],
        "Tatoeba": ["Tatoeba"],
        "MASSIVE": ["MASSIVE"],
        "S2ORC": ["S2ORC"],
        "Multi-LexSum": ["Multi-LexSum"],
        "ELI5": ["ELI5"],
    },
    "model": {
        "BLOOM": ["BLOOM", "BLOOMZ"],
        "GPT-2": ["GPT-2", "GPT2"],
        "GPT-3": ["GPT-3", "GPT3"],
        "GPT-3.5": ["GPT-3.5", "ChatGPT"],
        "PaLM": ["PaLM"],
        "OPT": ["OPT"],
        "Mistral": ["Mistral"],
        "Qwen": ["Qwen"],
        "BART": ["BART"],
        "mBART": ["mBART"],
        "XLM": ["XLM"],
        "XLNet": ["XLNet"],
        "ELMo": ["ELMo"],
        "ALBERT": ["ALBERT"],
        "ELECTRA": ["ELECTRA"],
        "DistilBERT": ["DistilBERT"],
        "Sentence-BERT": ["Sentence-BERT", "SBERT"],
        "InferSent": ["InferSent"],
        "Universal Sentence Encoder": ["Universal Sentence Encoder", "USE"],
        "skip-thought": ["skip-thought", "skip-thoughts", "skip thought"],
        "word2vec": ["word2vec", "skip-gram"],
        "GloVe": ["GloVe"],
        "fastText": ["fastText"],
        "Transformer": ["Transformer", "Transformers"],
        "LSTM": ["LSTM", "LSTMs", "BiLSTM"],
        "ConvS2S": ["ConvS2S"],
        "UniLM": ["UniLM"],
        "QANet": ["QANet"],
        "BiDAF": ["BiDAF"],
        "BGE": ["BGE"],
        "GTE": ["GTE"],
        "ANCE": ["ANCE"],
        "CodeBERT": ["CodeBERT"],
        "DSSM": ["DSSM"],
        "CLSM": ["CLSM"],
    },
    "metric": {
        "exact match": ["exact match", "EM"],
        "BLEU": ["BLEU"],
        "ROUGE": ["ROUGE", "ROUGE-L", "ROUGE-1", "ROUGE-2"],
        "perplexity": ["perplexity"],
        "precision@k": ["precision@k", "P@k"],
        "Hits@k": ["Hits@k"],
        "Spearman correlation": ["Spearman correlation", "Spearman"],
        "latency": ["latency"],
        "AUC": ["AUC", "ROC-AUC"],
    },
    "method": {
        "retrieval-augmented generation": ["retrieval-augmented generation", "RAG"],
        "instruction tuning": ["instruction tuning", "instruction-tuned"],
        "in-context learning": ["in-context learning", "few-shot prompting"],
        "chain-of-thought prompting": ["chain-of-thought", "chain of thought"],
        "RLHF": ["RLHF", "reinforcement learning from human feedback"],
        "data augmentation": ["data augmentation"],
        "back-translation": ["back-translation", "back translation"],
        "curriculum learning": ["curriculum learning"],
        "multi-task learning": ["multi-task learning", "multitask learning"],
        "LoRA": ["LoRA"],
        "mixture of experts": ["mixture of experts", "mixture-of-experts", "MoE"],
        "reciprocal rank fusion": ["reciprocal rank fusion", "RRF"],
        "learning-rate warm-up": ["learning-rate warm-up", "learning rate warm-up", "warm-up", "warmup"],
        "language-balanced negative sampling": ["language-balanced negative sampling", "language-balanced negatives"],
        "self-attention": ["self-attention", "multi-head attention"],
        "masked language modeling": ["masked language modeling", "masked language model", "MLM"],
        "quantization": ["quantization"],
    },
}

QUESTION_GENERIC_METHODS = GENERIC_METHODS | {"self-attention", "data augmentation", "quantization"}
"""Methods too broad to be the main subject of a question."""

LANGUAGE_GROUPS: dict[str, list[str]] = {
    "African languages": ["Swahili", "Yoruba", "Amharic", "Hausa", "Igbo", "Somali", "Zulu", "Wolof", "Afrikaans"],
    "Niger-Congo languages": ["Swahili", "Yoruba", "Igbo", "Zulu", "Wolof", "Kinyarwanda"],
    "Indic languages": ["Hindi", "Bengali", "Telugu", "Tamil", "Marathi", "Urdu", "Gujarati"],
    "European languages": ["German", "French", "Spanish", "Italian", "Greek", "Russian", "Finnish", "Portuguese"],
    "Asian languages": ["Chinese", "Japanese", "Korean", "Thai", "Vietnamese", "Hindi", "Indonesian"],
    "Semitic languages": ["Arabic", "Hebrew", "Amharic"],
    "Romance languages": ["French", "Spanish", "Italian", "Portuguese", "Romanian"],
}
"""A language group is studied when the group or one of its languages is."""

QUESTION_LANGUAGES: dict[str, list[str]] = {
    "yo": ["Yoruba"], "am": ["Amharic"], "ha": ["Hausa"], "ig": ["Igbo"], "so": ["Somali"], "zu": ["Zulu"],
    "wo": ["Wolof"], "af": ["Afrikaans"], "rw": ["Kinyarwanda"], "ta": ["Tamil"], "mr": ["Marathi"],
    "ur": ["Urdu"], "gu": ["Gujarati"], "he": ["Hebrew"], "ro": ["Romanian"], "nl": ["Dutch"], "pl": ["Polish"],
}

DOMAINS: dict[str, list[str]] = {
    "legal": ["legal", "law", "court", "lawsuit", "lawsuits"],
    "news": ["news", "newswire", "newspaper"],
    "biomedical": ["biomedical", "medical", "clinical", "health", "COVID"],
    "financial": ["financial", "finance"],
    "scientific": ["scientific", "science", "academic"],
    "code": ["code", "programming", "source code"],
    "conversational": ["conversational", "dialogue", "dialog"],
    "e-commerce": ["e-commerce", "product"],
    "social media": ["social media", "Twitter", "tweets"],
}
"""Subject areas: 'the legal domain', 'news articles'; the aliases are what a source says."""

SETTINGS: dict[str, list[str]] = {
    "domain shift": ["domain shift", "domain shifts", "out-of-domain", "new domains", "distribution shift",
                     "domain transfer", "domain generalization", "cross-domain"],
    "low-resource languages": ["low-resource", "low resource"],
    "few-shot": ["few-shot", "few shot"],
    "long documents": ["long documents", "long-document", "long document"],
    "open-domain": ["open-domain", "open domain"],
}
"""Settings a question can take for granted; matched by these words, then by meaning."""

SUBSETS: dict[str, frozenset[str]] = {
    "BEIR": frozenset({"TREC-COVID", "NFCorpus", "Natural Questions", "HotpotQA", "FiQA", "ArguAna", "Touche-2020",
                       "SciFact", "SciDocs", "Quora", "DBPedia", "FEVER", "Climate-FEVER", "MS MARCO",
                       "CQADupStack", "Signal-1M", "TREC-NEWS", "Robust04", "BioASQ"}),
    "XTREME": frozenset({"XNLI", "PAWS-X", "XQuAD", "MLQA", "TyDi QA", "BUCC", "Tatoeba"}),
    "XTREME-R": frozenset({"XNLI", "XCOPA", "PAWS-X", "XQuAD", "MLQA", "TyDi QA", "Tatoeba", "LAReQA",
                           "Mewsli-X"}),
    "GLUE": frozenset({"CoLA", "SST-2", "MRPC", "STS benchmark", "Quora", "MultiNLI", "QNLI", "RTE", "WNLI"}),
    "KILT": frozenset({"Natural Questions", "HotpotQA", "TriviaQA", "FEVER", "ELI5"}),
    "LAReQA": frozenset({"XQuAD-R", "MLQA-R"}),
}
"""Collections whose members are known: 'X subset of Y' with X outside Y is a category error."""

PARAPHRASES: dict[str, tuple[str, ...]] = {
    "hybrid": ("mixture", "mixed", "mix", "mixing", "combination", "combined", "combining", "both", "either",
               "alternating", "interleaved"),
    "mixture": ("hybrid", "mixed", "mix", "combination", "combined", "both", "either"),
    "mixed": ("hybrid", "mixture", "mix", "combination", "both", "either"),
    "distillation": ("teacher", "student", "distil", "distill", "distilled"),
    "augmentation": ("augment", "augmented", "synthetic", "paraphrased"),
    "negatives": ("negative",),
    "multilingual": ("languages", "cross-lingual"),
}
"""Words a paper uses for a method's modifier word: 'hybrid batches' are 'a mixture of batches'."""

METHOD_HEADS = frozenset({"training", "strategy", "strategies", "method", "approach", "technique", "techniques",
                          "scheme", "procedure", "sampling", "batching"})
"""Words that say 'a way of doing it' and not what is done; a paraphrase need not repeat them."""


def _question_kinds() -> dict[str, dict[str, list[str]]]:
    merged = {kind: {**table, **QUESTION_EXTRA.get(kind, {})} for kind, table in ENTITY_KINDS.items()}
    merged["language"] = {**LANGUAGES, **QUESTION_LANGUAGES}
    return merged


QUESTION_KINDS: dict[str, dict[str, list[str]]] = _question_kinds()
"""Kind -> canonical name -> aliases: ENTITY_KINDS plus the question tables (no name in both)."""
