"""Prompt templates with delimited data blocks.

Paper text goes in as data between markers that carry a random token, so text
inside a paper cannot close the data block, and each template's system part
tells the model never to follow instructions found there.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from synth.resources import resource_path


@dataclass(frozen=True)
class Prompt:
    system: str
    user: str


def as_data(text: str) -> str:
    """Text that cannot open or close a marker block of the prompt."""
    return text.replace("<<<", "‹‹‹").replace(">>>", "›››")


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(resource_path("synth.llm", "prompts"))),
                       undefined=StrictUndefined, keep_trailing_newline=True)


def render(template: str, **values) -> Prompt:
    """The (system, user) parts of ``synth/llm/prompts/<template>``; ``marker`` is set here."""
    rendered = _environment().get_template(template).render(marker=secrets.token_hex(8), **values)
    system, _, user = rendered.partition("[user]")
    return Prompt(system.replace("[system]", "", 1).strip(), user.strip())
