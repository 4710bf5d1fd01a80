"""Report sections as units: each ``<name>.py`` here says what its section shows and
builds that part of the document; ``synth/report/templates/sections/<name>.{md,html}.j2``
renders it. A document lists its sections (``ReportDocument.sections``) and the page
templates render them in that order, numbered.

The report and the audit are two lists of sections (``REPORT_SECTIONS``,
``AUDIT_SECTIONS``); adding a section is one module, two partials and one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass

from synth.report.document import SectionName


@dataclass(frozen=True)
class Section:
    name: SectionName
    title: str


PREMISES = Section("premises", "Question and premises")
ANSWER = Section("answer", "Answer summary")
SOURCES = Section("sources", "Sources")
CLAIMS = Section("claims", "Claims")
REPRODUCTION = Section("reproduction", "Reproduction")
LIMITATIONS = Section("limitations", "Limitations")
METHOD = Section("method", "Method: how the verifier decides")
PROVENANCE = Section("provenance", "Provenance")

REPORT_SECTIONS = (PREMISES, ANSWER, SOURCES, CLAIMS, REPRODUCTION, LIMITATIONS, METHOD, PROVENANCE)
AUDIT_SECTIONS = (PREMISES, ANSWER, SOURCES, CLAIMS, REPRODUCTION, LIMITATIONS, METHOD, PROVENANCE)
"""The audit shows the same sections; its claims table puts the audited report's verdicts beside ours."""


def names(sections: tuple[Section, ...]) -> list[SectionName]:
    return [section.name for section in sections]
