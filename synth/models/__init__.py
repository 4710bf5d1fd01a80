"""Models the project trains itself: the NLI cross-encoder behind the text verifier.

Python API:
``synth.models.nli_data.load_pairs(data_dir, split)`` reads the labelled training pairs;
``synth.models.train.train_verifier(data_dir, out_dir, options)`` fine-tunes and exports the model;
``synth.models.nli.NliModel.load()`` loads the shipped weights offline and scores
(evidence, claim) pairs as entailment / neutral / contradiction probabilities.
"""
