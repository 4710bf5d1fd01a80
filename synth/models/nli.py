"""Run the shipped NLI cross-encoder: (evidence, claim) -> entailment / neutral / contradiction.

The weights ship inside the package (``synth/models/verifier/``, int8, see
:mod:`synth.models.store`) and load offline. Inference runs the dequantised model through
``torch.ao.quantization.quantize_dynamic`` (int8 matrix products on CPU), which is what
makes a few hundred candidate sentences per claim affordable on two cores; on CUDA the
fp32 model runs as is.
"""

from __future__ import annotations

import os
import pickle
import warnings
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import torch

from synth.models.nli_data import LABELS
from synth.models.store import RELIABILITY_FILE, ModelFileError, REBUILD_HINT, load_state, read_card

SHIPPED_FOLDER = "verifier"
MAX_LENGTH = 128
BATCH_SIZE = 32


def shipped_model_dir() -> Path:
    return Path(str(resources.files("synth.models") / SHIPPED_FOLDER))


def model_folder(model_dir: str | None) -> Path:
    """The folder a run's verifier loads: ``settings.verify.nli.model_dir`` when set, else the shipped one."""
    return Path(model_dir) if model_dir else shipped_model_dir()


def reliability_diagram(folder: Path | None = None) -> Path:
    """The PNG of a verifier's reliability on held-out claims (the shipped one's by default),
    for a report's method appendix."""
    path = (folder or shipped_model_dir()) / RELIABILITY_FILE
    if not path.exists():
        raise ModelFileError(f"{path}: reliability diagram missing; redraw it with `python bench/verify_external.py`")
    return path


class NliModel:
    """Three-way NLI probabilities, columns in :data:`LABELS` order."""

    def __init__(self, folder: Path, device: str = "cpu", quantized: bool = True) -> None:
        from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer

        self.folder, self.device = folder, device
        self.card = read_card(folder)
        try:
            config = AutoConfig.from_pretrained(str(folder), local_files_only=True)
            self.tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        except (OSError, ValueError) as error:
            raise ModelFileError(f"{folder}: verifier config or tokenizer unreadable ({error}); {REBUILD_HINT}") from error
        model = AutoModelForSequenceClassification.from_config(config)
        model.load_state_dict(load_state(folder))
        model.eval()
        if quantized and device == "cpu":
            with warnings.catch_warnings():  # torch deprecates the API in favour of torchao, not installed here
                warnings.simplefilter("ignore")
                model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        self.model = model.to(device)
        self.label_order = self._label_order(config)
        self.memo: dict[tuple[str, str], np.ndarray] = {}
        """Probabilities of pairs already read (claims share passages; benchmarks persist it)."""

    @staticmethod
    def _label_order(config) -> list[int]:
        """Model output column for each of LABELS (the config names its labels)."""
        names = {str(name).lower(): int(index) for index, name in config.id2label.items()}
        return [names[label] for label in LABELS]

    def memo_file(self, folder: Path) -> Path:
        """Where :meth:`save_memo` keeps this model's pair probabilities (named by the weights' sha256)."""
        return folder / f"nli-memo-{self.card['sha256'][:12]}.pkl"

    def load_memo(self, folder: Path) -> None:
        """Reuse pair probabilities saved by an earlier run of the same weights (fitting, benchmarks)."""
        path = self.memo_file(folder)
        if path.exists():
            self.memo.update(pickle.loads(path.read_bytes()))

    def save_memo(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.memo_file(folder).write_bytes(pickle.dumps(self.memo))

    def predict(self, pairs: list[tuple[str, str]], batch_size: int = BATCH_SIZE) -> np.ndarray:
        """Probabilities for (premise, hypothesis) pairs, shape (n, 3); each distinct pair is read once."""
        unread = [pair for pair in dict.fromkeys(pairs) if pair not in self.memo]
        self.memo.update(zip(unread, self.predict_fresh(unread, batch_size)))
        return np.array([self.memo[pair] for pair in pairs], dtype=np.float32).reshape(len(pairs), len(LABELS))

    @torch.inference_mode()
    def predict_fresh(self, pairs: list[tuple[str, str]], batch_size: int = BATCH_SIZE) -> np.ndarray:
        """Probabilities for (premise, hypothesis) pairs, shape (n, 3), computed now (batches sorted by length)."""
        if not pairs:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        probabilities = np.zeros((len(pairs), len(LABELS)), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            encoded = self.tokenizer(
                [pairs[i][0] for i in batch],
                [pairs[i][1] for i in batch],
                truncation=True,
                max_length=MAX_LENGTH,
                padding=True,
                return_tensors="pt",
            ).to(self.device)
            logits = self.model(**encoded).logits.float()
            probabilities[batch] = torch.softmax(logits, dim=-1)[:, self.label_order].cpu().numpy()
        return probabilities


@lru_cache(maxsize=2)
def load_nli_model(folder: str | None = None, device: str = "cpu") -> NliModel:
    """The shipped (or a given) model, loaded once per process."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return NliModel(model_folder(folder), device=device)
