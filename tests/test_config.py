"""Settings come from arguments, then the environment, then defaults; keys never leak."""

from __future__ import annotations

import pytest

from summarizer.config import Backend, Mode, Settings, resolve_settings
from summarizer.errors import ConfigError


def test_defaults_with_nothing_configured_choose_offline():
    settings = resolve_settings(environ={})
    assert settings.backend is Backend.auto
    assert settings.resolved_backend() is Backend.offline
    assert settings.mode is Mode.auto and settings.max_reasks == 2


def test_environment_then_argument_precedence():
    env = {"OPENAI_API_KEY": "sk-env", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "SUMMARIZER_MODE": "json_schema"}
    settings = resolve_settings(environ=env)
    assert settings.resolved_backend() is Backend.openai
    assert (settings.api_key, settings.mode) == ("sk-env", Mode.json_schema)
    settings = resolve_settings(environ=env, api_key="sk-arg", mode="md_json", model="m1")
    assert (settings.api_key, settings.mode, settings.model) == ("sk-arg", Mode.md_json, "m1")


def test_base_url_alone_selects_openai_and_needs_no_key():
    settings = resolve_settings(environ={"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"})
    assert settings.resolved_backend() is Backend.openai
    assert settings.key_for_client() == "not-needed"


def test_openai_backend_without_key_or_url_says_how_to_fix():
    with pytest.raises(ConfigError, match="set OPENAI_API_KEY"):
        resolve_settings(environ={}, backend="openai").key_for_client()


@pytest.mark.parametrize(
    "kwargs, message",
    [({"mode": "xml"}, "unknown mode 'xml'"), ({"backend": "gpt"}, "unknown backend"),
     ({"temperature": 3.0}, "outside 0..2"), ({"timeout": 0}, "positive"), ({"colour": "red"}, "unknown setting")],
)
def test_bad_settings_are_refused(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        resolve_settings(environ={}, **kwargs)


def test_api_key_is_not_in_repr():
    assert "sk-secret-123" not in repr(Settings(api_key="sk-secret-123"))


@pytest.mark.parametrize("variable, value", [("SUMMARIZER_SERVER", "olama"), ("SUMMARIZER_MODE", "xml"),
                                             ("SUMMARIZER_MAX_INPUT_TOKENS", "lots")])
def test_a_bad_value_from_the_environment_names_the_variable(variable, value):
    with pytest.raises(ConfigError) as raised:
        resolve_settings(environ={variable: value})
    assert str(raised.value).startswith(f"{variable}={value!r}: "), str(raised.value)
