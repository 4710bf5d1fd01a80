"""Sentences about cited work are told apart from the paper's own findings; references keep their DOIs."""

from __future__ import annotations

import pytest

from synth.ingest.citations import is_about_cited_work
from synth.ingest.references import find_doi


@pytest.mark.parametrize("sentence", [
    "Nogueira and Cho (2019) showed impressive gains with BERT re-ranking.",
    "Lee et al. (2019) pre-train the retriever with the inverse cloze task.",
    "(Karpukhin et al., 2020) train a dual encoder on NQ.",
    "[12] mine hard negatives with BM25.",
    "Prior work relies on sparse retrieval.",
    "Large gains were reported by Karpukhin et al. (2020) on open-domain QA.",
    "Recently, [32] showed that linear CCA over Fisher vectors is as strong as RNNs.",
    "In that work, the Tagspace model was shown to outperform word2vec.",
    "They experimented with BOW and RNN encoding architectures.",
    "Extended from our previous work [20] [33], the model has also been demonstrated on translation [13].",
    "TransE was shown to outperform RESCAL and is considered a standard benchmark method.",
    "Multi-modal information has proven useful in many tasks, yet fusion remains an open problem.",
    "Additive attention outperforms dot product attention without scaling for larger values of dk [3].",
    "Embedding models have had success, from SVD (Goldberg et al. 2001) to SVD++ (Koren and Bell 2015; Rendle 2010).",
])
def test_cited_work_sentences_are_marked(sentence):
    assert is_about_cited_work(sentence)


@pytest.mark.parametrize("sentence", [
    "We show that dense retrieval beats BM25 (Karpukhin et al., 2020).",
    "Our retriever reaches 78.4 top-20 accuracy on NQ.",
    "Table 2 shows that hard negatives help.",
    "As shown in Table 1, a single model outperforms the best ensemble by 7.6 points.",
    "In 2019 the benchmark was extended to 12 languages.",
    "In experiments it is shown to be on par with or outperforming several competing methods.",
    "In contrast to RNN models [37], the Transformer outperforms the Berkeley-Parser [29] on WSJ only.",
    "In Table 4, we find that SuperPAL (Ernst et al., 2021) performs best on recall@3 [4].",
    "Experimental results on the three datasets have shown that pruning lowers performance a bit.",
])
def test_own_findings_are_not_marked(sentence):
    assert not is_about_cited_work(sentence)


def test_doi_is_found_without_trailing_punctuation():
    entry = "W. Ammar et al. 2018. Construction of the literature graph. In NAACL. doi:10.18653/v1/N18-3011."
    assert find_doi(entry) == "10.18653/v1/N18-3011"
    assert find_doi("A. Author. 2020. No identifier here. In ACL.") is None


def test_extraction_does_not_present_cited_work_as_the_papers_finding(settings):
    from synth.claims.extract import paper_claims
    from synth.records import Page, Paper, ParsedPaper, SectionSpan

    text = ("4 Results\nNogueira and Cho (2019) showed gains of 7.2 MRR@10 points with BERT re-ranking. "
            "Our re-ranker improves MRR@10 from 0.36 to 0.41 on MS MARCO dev.")
    paper = Paper(paper_id="p", title="Re-ranking", source="local", pdf_path="p.pdf", sha256="0")
    parsed = ParsedPaper(paper=paper, page_texts=[Page(number=1, text=text)],
                         sections=[SectionSpan(name="4 Results", page=1, start=0)])
    texts = [claim.text for claim in paper_claims(parsed, settings)]
    assert any(text.startswith("Our re-ranker improves") for text in texts)
    assert not any("Nogueira" in text for text in texts)
