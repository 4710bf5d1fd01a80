"""The user-facing product: verified-claims reports, audits of existing reports,
and the claims ledger with re-verification.

- ``document``: ``report.json`` (schema-versioned), the one input of every format;
- ``render`` + ``bib``: Markdown / HTML / PDF (WeasyPrint) / BibTeX from ``templates/``
  (package data; one partial per section under ``templates/sections/``);
- ``sections``: the report's sections as units, and the report's and the audit's lists of them;
- ``pipeline`` + ``stages``: ``synth report`` (find, follow references, extract,
  verify, premises, reproduction, answer); ``audit`` + ``parse``: ``synth audit``;
- ``ledger`` + ``reverify``: SQLite history of verdicts, ``synth reverify`` diffs.
"""
