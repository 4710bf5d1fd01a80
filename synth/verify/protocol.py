"""The contract every verifier meets, and what a verification run hands it.

A verifier is any object with ``name``, ``accepts(claim)`` and
``verify(claim, context) -> Judgement``, and optionally ``prepare(claims, context)``,
which ``synth.verify.run`` calls with a window of claims before verifying them so that a
verifier can batch work across claims (the ``nli`` verifier embeds their candidate sentences
in one call); ``synth.verify.registry`` lists them and
``synth.verify.run`` walks them in ``settings.verify.verifiers`` order, giving
each claim to the first that accepts it of each kind (synth.verify.checks combines their checks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Protocol

from synth.records import ClaimKind
from synth.settings import Settings
from synth.verify.inputs import ClaimInput
from synth.verify.judgement import Judgement
from synth.verify.policy import VerifyPolicy

if TYPE_CHECKING:
    from synth.index.library import Library


@dataclass
class VerifyContext:
    """Everything a verifier may read: settings (with the policy), the data and result
    folders, the library (opened on first use) and the chat model (None offline)."""

    settings: Settings
    data_dir: Path | None = None
    results_dir: Path | None = None
    library_given: "Library | None" = None
    use_results: bool = True
    """False under ``--reproduce none``: no reproduction result may be read."""
    _opened: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def policy(self) -> VerifyPolicy:
        return self.settings.verify

    @property
    def library(self) -> "Library":
        if self.library_given is None:
            from synth.index.library import Library

            self.library_given = Library(self.settings)
        return self.library_given

    @property
    def llm(self):
        """The configured chat model (synth.llm.chat.chat_model), loaded once; None offline."""
        if "llm" not in self._opened:
            from synth.llm.chat import chat_model

            self._opened["llm"] = chat_model(self.settings)
        return self._opened["llm"]

    def derived(self, name: str, adjust: Callable[[VerifyPolicy], None]) -> "VerifyContext":
        """A context sharing this one's library and chat model, its policy a copy that ``adjust``
        changed; made once per ``name``."""
        key = f"derived:{name}"
        if key not in self._opened:
            policy = self.policy.model_copy(deep=True)
            adjust(policy)
            self._opened[key] = VerifyContext(self.settings.model_copy(update={"verify": policy}), self.data_dir,
                                              self.results_dir, self.library, self.use_results, self._opened)
        return self._opened[key]


class Verifier(Protocol):
    name: str
    """Registry name (``settings.verify.verifiers`` lists these)."""
    kind: ClaimKind
    """The kind of claim it checks (extraction labels claims by the verifier that would take them)."""

    def accepts(self, claim: ClaimInput) -> bool:
        """Whether this verifier can check the claim (cheap: text rules, no I/O)."""

    def verify(self, claim: ClaimInput, context: VerifyContext) -> Judgement:
        """The judgement on an accepted claim; never raises for missing evidence (it is a verdict)."""
