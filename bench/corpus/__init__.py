"""The synthetic corpus: four invented papers (``content``) and their PDF rendering (``pdf``).

It lives here, not under tests/, because the benchmarks and scripts/make_reports.py
render it too (reports/corpus/); the tests import it from here.
"""
