"""Claims: reading checkable statements out of papers.

Python API (used by ``synth report``):

- ``synth.claims.extract.extract_claims(library, paper_ids, question=None, top=None) -> list[Claim]``
- ``synth.claims.llm.llm_extract_claims(model, parsed, question=None, top=20) -> list[Claim]``

Text utilities (sentences, mentions, comparisons, normal forms) live in ``synth.text``.
"""
