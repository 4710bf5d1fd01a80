"""Verification of claims: the Verifier protocol (``protocol``), the registry of verifiers
(``registry``, ordered by ``settings.verify.verifiers``), the policy (``policy``), the rule-based
text verifier (``text``, over ``candidates``; LLM judge in ``llm``) and calibration. The
hybrid-batch study's verifiers live in ``synth.studies.hybrid_batch``.

Python API (used by ``synth report``):
``synth.verify.run.verify_claims(claims_in, library, settings, data_dir=None, results_dir=None, on_done=None)
-> list[Verification]``; ``claims_in`` holds Claim records, ``{"text", "paper_id"?, "id"?}`` dicts or
``synth.verify.inputs.ClaimInput`` (``read_claims(path)`` reads them from JSONL).
"""
