"""Verification of claims: dataset facts, reproduction results and paper text.

Python API (used by ``synth report``):
``synth.verify.run.verify_claims(claims_in, library, settings, data_dir=None, results_dir=None, on_done=None)
-> list[Verification]``; ``claims_in`` holds Claim records, ``{"text", "paper_id"?, "id"?}`` dicts or
``synth.verify.inputs.ClaimInput`` (``read_claims(path)`` reads them from JSONL).
"""
