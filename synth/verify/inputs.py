"""Claims to verify: read from JSONL (one bad line never stops the others)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from synth.errors import DataError
from synth.records import Claim, Location
from synth.text.normalise import claim_id


@dataclass(frozen=True)
class ClaimInput:
    """A claim to check. ``paper_id``: the paper it is attributed to (searched for it);
    ``claimed_at``: set when the claim's text was extracted from that paper at that place,
    so that sentence is its provenance and is never counted as its support."""

    text: str
    paper_id: str | None
    id: str
    claimed_at: Location | None = None
    whole: str | None = None
    """For one part of a multi-part claim: the whole claim (what the part is about, e.g. its model)."""

    @classmethod
    def of(cls, text: str, paper_id: str | None = None, given_id: str | None = None,
           claimed_at: Location | None = None) -> "ClaimInput":
        return cls(text.strip(), paper_id or None, given_id or claim_id(text, paper_id),
                   claimed_at if paper_id else None)

    @classmethod
    def from_any(cls, item: "ClaimInput | Claim | dict") -> "ClaimInput":
        if isinstance(item, ClaimInput):
            return item
        if isinstance(item, Claim):
            return cls.of(item.text, item.paper_id, item.id, item.location)
        return cls.of(item["text"], item.get("paper_id"), item.get("id"))

    def attributed_to(self, paper_id: str | None) -> "ClaimInput":
        """The same claim checked against ``paper_id``'s text (None: every paper), not as extracted from it."""
        return ClaimInput(self.text, paper_id, self.id, whole=self.whole)

    def part(self, text: str) -> "ClaimInput":
        """One part of this claim, checked like it."""
        return ClaimInput(text, self.paper_id, self.id, self.claimed_at, whole=self.text)

    @property
    def claimed_by(self) -> str | None:
        """'P, p. N' for an extracted claim."""
        return f"{self.paper_id}, p. {self.claimed_at.page}" if self.claimed_at else None


def _parse_line(raw: str, where: str) -> ClaimInput:
    try:
        record = json.loads(raw)
    except ValueError as error:
        raise DataError(f"{where}: not valid JSON ({error.args[0]}); fix or remove the line") from error
    if not isinstance(record, dict) or not isinstance(record.get("text"), str) or not record["text"].strip():
        raise DataError(f'{where}: needs a JSON object with a non-empty "text" field; fix or remove the line')
    for field in ("paper_id", "id"):
        if record.get(field) is not None and not isinstance(record[field], str):
            raise DataError(f'{where}: "{field}" must be a string; fix or remove the line')
    return ClaimInput.of(record["text"], record.get("paper_id"), record.get("id"))


def read_claims(path: Path) -> tuple[list[ClaimInput], list[str]]:
    """(claims, one message per bad line naming the file and line number)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise DataError(f"claims file {path} cannot be read ({error}); pass a UTF-8 JSONL file") from error
    claims, problems = [], []
    for number, raw in enumerate(lines, start=1):
        where = f"{path} line {number}"
        if not raw.strip():
            problems.append(f"{where}: empty line; remove it")
            continue
        try:
            claims.append(_parse_line(raw, where))
        except DataError as error:
            problems.append(str(error))
    return claims, problems
