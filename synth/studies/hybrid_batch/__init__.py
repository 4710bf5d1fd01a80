"""The hybrid-batch study (arXiv 2408.10536: hybrid batches of monolingual and
cross-lingual pairs for multilingual retrieval, on XQuAD-R and MLQA-R).

- ``dataset_facts`` / ``dataset``: the LAReQA files' structure, and the ``dataset``
  verifier (``DatasetFactVerifier``) that checks claimed counts against it;
- ``reproduction``: the ``reproduction`` verifier (``ReproductionVerifier``) that judges
  directional claims from result.json files;
- ``outcome``: the one claimed-vs-measured rule (``outcome_of``) used by that verifier
  and by the report's comparison table;
- ``section`` / ``records``: the paper's claims table (``PAPER_CLAIMS``) and the report's
  reproduction section.
"""
