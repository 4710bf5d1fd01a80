"""Claims: reading checkable statements out of papers and questions.

Python API (used by ``synth report``):

- ``synth.claims.extract.extract_claims(library, paper_ids, question=None, top=None) -> list[Claim]``
- ``synth.claims.premises.check_premises(question, library, settings=None) -> list[PremiseCheck]``
- ``synth.claims.parse``: entities, numbers, comparisons and ids of one sentence;
  ``synth.claims.segment.sentences(text)``: sentences with offsets into the text.
"""
