"""The project's own (passage, claim) training pairs about ML papers (synth/models/data/ml_pairs.jsonl,
synth.models.nli_data.load_ml_written): their format and their make-up."""

from __future__ import annotations

import json
from collections import defaultdict
from importlib import resources
from pathlib import Path

from synth.ingest.tables import parse_row_unit
from synth.models import nli_data
from synth.models.train import TrainOptions, training_sources

KINDS = {
    nli_data.ENTAILMENT: {"paraphrase", "number", "table_cell", "comparison", "subset"},
    nli_data.CONTRADICTION: {"swapped_entity", "number_changed", "comparison_reversed", "negation", "table_cell_wrong"},
    nli_data.NEUTRAL: {"unstated_detail", "other_dataset", "overreach"},
}


def written_rows() -> list[dict]:
    text = (resources.files("synth.models") / nli_data.WRITTEN_PAIRS).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_every_written_pair_has_a_label_its_kind_allows() -> None:
    rows = written_rows()
    assert len(rows) >= 2000
    wrong = [row for row in rows if row["kind"] not in KINDS.get(row["label"], set())]
    assert not wrong


def test_every_written_passage_has_claims_of_all_three_labels() -> None:
    """A passage whose claims all share a label would teach the cross-encoder to read the passage alone."""
    labels: dict[str, set[str]] = defaultdict(set)
    for row in written_rows():
        labels[row["group"]].add(row["label"])
    assert all(found == set(nli_data.LABELS) for found in labels.values())


def test_written_table_rows_are_row_units_as_ingestion_writes_them() -> None:
    """The cross-encoder reads tables as row units at run time (synth.ingest.tables); the written ones match."""
    tables = [row["premise"] for row in written_rows() if row["premise"].startswith("Table ")]
    assert len(tables) >= 400
    assert all(parse_row_unit(premise) for premise in tables)


def test_written_pairs_load_with_their_passages_kept_to_one_split() -> None:
    pairs = list(nli_data.load_ml_written(Path("unused")))
    assert len(pairs) == len(written_rows())
    splits = defaultdict(set)
    for pair in pairs:
        splits[pair.group].add(nli_data.split_of(pair.source, pair.group))
    assert all(len(found) == 1 for found in splits.values())
    assert "ml-written" in nli_data.LICENCES


def test_the_written_pairs_join_a_training_run_only_when_asked_for() -> None:
    assert "ml-written" not in training_sources(TrainOptions())
    sources = training_sources(TrainOptions(written=True))
    assert sources.index("ml-written") == len(nli_data.IN_DOMAIN)
    assert sorted(sources) == sorted([*TrainOptions().sources, "ml-written"])
