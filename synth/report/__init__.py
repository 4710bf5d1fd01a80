"""The user-facing product: verified-claims reports, audits of existing reports,
and the claims ledger with re-verification.

- ``document``: ``report.json`` (schema-versioned), the one input of every format;
- ``render`` + ``bib``: Markdown / HTML / PDF (WeasyPrint) / BibTeX from ``templates/``;
- ``pipeline`` + ``stages``: ``synth report`` (find, follow references, extract,
  verify, premises, reproduction, answer); ``audit`` + ``parse``: ``synth audit``;
- ``ledger`` + ``reverify``: SQLite history of verdicts, ``synth reverify`` diffs.
"""
