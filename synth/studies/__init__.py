"""Studies: what synth knows about one particular paper's experiment, kept out of the
general engine. A study may add verifiers (registered in synth.verify.registry),
report sections (synth.report.sections) and data facts; see docs/ARCHITECTURE.md.
"""
