"""synth: literature synthesis and claim verification for ML research.

Pipeline, one sub-package per stage:
sources -> ingest -> index -> claims -> verify -> reproduce -> report.
Typed records (``synth.records``) pass between the stages; ``synth.cli`` is a
thin command-line layer over them.
"""

__version__ = "0.1.0"
