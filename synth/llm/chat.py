"""Loading the configured chat model and asking it for a structured answer."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, RootModel, ValidationError

from synth.errors import ConfigError, SynthError
from synth.llm.prompt import Prompt
from synth.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

Answer = TypeVar("Answer", bound=BaseModel)
_JSON_VALUE = re.compile(r"[\[{].*[\]}]", re.S)


class LLMAnswerError(SynthError):
    """The model's answer does not have the expected shape."""


def chat_model(settings: Settings) -> "BaseChatModel | None":
    """The configured chat model, or None when the offline path is used."""
    if not settings.llm_model:
        return None
    spec = settings.llm_model
    try:
        from langchain.chat_models import init_chat_model
    except ImportError as error:
        raise ConfigError(f"SYNTH_LLM_MODEL={spec} needs langchain: pip install 'synth[llm]' and the provider "
                          f"package, or unset SYNTH_LLM_MODEL") from error
    try:
        return init_chat_model(spec)
    except (ImportError, ValueError) as error:
        raise ConfigError(f"SYNTH_LLM_MODEL={spec}: cannot start it ({error}); install its provider package "
                          f"or unset SYNTH_LLM_MODEL") from error


def _structured(model: "BaseChatModel", schema: type[Answer]):
    """The model bound to ``schema`` when it supports structured output (objects only), else None."""
    if issubclass(schema, RootModel):
        return None
    try:
        return model.with_structured_output(schema)
    except (NotImplementedError, AttributeError):
        return None


def parse_answer(text: str, schema: type[Answer]) -> Answer:
    """The first JSON object or list in ``text`` (models wrap it in prose or code fences) as ``schema``."""
    match = _JSON_VALUE.search(text)
    try:
        return schema.model_validate_json(match.group(0) if match else text)
    except (ValidationError, ValueError) as error:
        raise LLMAnswerError(f"the LLM answer is not the expected {schema.__name__} JSON ({error.__class__.__name__}); "
                             f"retry, choose another SYNTH_LLM_MODEL, or unset it for the offline path") from error


def ask(model: "BaseChatModel", prompt: Prompt, schema: type[Answer]) -> Answer:
    """The model's answer to ``prompt`` as a ``schema`` instance; LLMAnswerError when it is not one."""
    from langchain_core.messages import HumanMessage, SystemMessage

    messages = [SystemMessage(content=prompt.system), HumanMessage(content=prompt.user)]
    structured = _structured(model, schema)
    if structured is not None:
        try:
            answer = structured.invoke(messages)
        except (ValidationError, ValueError) as error:
            raise LLMAnswerError(f"the LLM answer is not a valid {schema.__name__} ({error.__class__.__name__}); "
                                 f"retry or choose another SYNTH_LLM_MODEL") from error
        return answer if isinstance(answer, schema) else schema.model_validate(answer)
    content = model.invoke(messages).content
    return parse_answer(content if isinstance(content, str) else json.dumps(content), schema)
