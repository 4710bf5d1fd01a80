"""The text layer below every stage: nothing here imports a stage.

- ``synth.text.segment.sentences(text) -> list[Sentence]``: sentences with offsets into the text;
- ``synth.text.vocab``: the named things (datasets, models, metrics, methods, languages) and their aliases;
- ``synth.text.mentions``: entity mentions, numbers with units, number agreement;
- ``synth.text.comparisons``: negation, better/worse direction, compared names, superlatives,
  antonym and quantifier conflicts between a claim and a passage;
- ``synth.text.normalise``: the normal form and claim ids, the one stop-word list
  (``STOP_WORDS``) and the one stemmer (``stem``, PyStemmer), content-word overlap.
"""
