"""Ingest: PDF -> clean page text, sections, references -> chunks with exact offsets."""

from synth.ingest.parse import chunk_paper, guess_metadata, parse_pdf

__all__ = ["chunk_paper", "guess_metadata", "parse_pdf"]
