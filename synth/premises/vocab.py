"""Known names a research question can presuppose, by kind.

The claim vocabulary (synth.text.vocab) covers multilingual retrieval; a
question can presuppose anything a reader has heard of (XTREME-R, MMLU,
BLOOM, exact match, the legal domain). These tables add the common ones. A
name missing here is still a premise (synth.premises.extract finds unknown
capitalised and code-like names); the vocabulary only decides its kind, its
aliases, and whether "found in no source" means "not studied" (known) or
"not found in any source" (unknown).
"""

from __future__ import annotations

from functools import lru_cache

from synth.text import vocab as base

EXTRA: dict[str, dict[str, list[str]]] = {
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
        "XLM-R": ["XLM-R", "XLM-RoBERTa", "XLMR"],
        "mT5": ["mT5"],
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

GENERIC_METHODS = base.GENERIC_METHODS | {"self-attention", "data augmentation", "quantization"}
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

EXTRA_LANGUAGES: dict[str, list[str]] = {
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


@lru_cache(maxsize=1)
def known_names() -> dict[str, dict[str, list[str]]]:
    """kind -> canonical name -> aliases: the claim vocabulary plus the tables above."""
    merged: dict[str, dict[str, list[str]]] = {}
    for kind, table in base.ENTITY_KINDS.items():
        merged[kind] = {name: list(aliases) for name, aliases in table.items()}
    for kind, table in EXTRA.items():
        for name, aliases in table.items():
            merged.setdefault(kind, {}).setdefault(name, [])
            merged[kind][name] = sorted({*merged[kind][name], *aliases})
    languages = merged["language"]
    for code, names in EXTRA_LANGUAGES.items():
        languages.setdefault(code, names)
    return merged


def language_name(code: str) -> str:
    return known_names()["language"][code][0]


def kind_of(name: str) -> str | None:
    """The kind of a canonical or alias name, case-insensitively; None when unknown."""
    wanted = name.lower()
    for kind, table in known_names().items():
        for canonical, aliases in table.items():
            if wanted in {canonical.lower(), *(alias.lower() for alias in aliases)}:
                return kind
    return None

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
