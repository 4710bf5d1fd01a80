"""The optional LLM backend, shared by extraction, verification and the answer summary.

- ``synth.llm.chat.chat_model(settings) -> BaseChatModel | None``: the one loader
  (``settings.llm_model``, a LangChain ``init_chat_model`` spec; None = offline);
- ``synth.llm.prompt.render(template, **values) -> Prompt``: a Jinja prompt from
  ``synth/llm/prompts`` with ``[system]`` and ``[user]`` parts; untrusted text goes
  in through ``as_data`` between markers that carry a random token;
- ``synth.llm.chat.ask(model, prompt, schema)``: the answer as a pydantic model
  (``with_structured_output`` where the model supports it, else parsed from JSON).
"""
