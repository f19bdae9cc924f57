"""Messages of the domain in the user's language, without Qt.

The domain speaks to people through errors, verdicts and report captions. Each
module declares its messages next to the code that uses them with `define`;
`tr` renders one in the current language. Chinese is the default.
The Qt side (ui/) has its own translations for widgets; it asks the domain for
these texts through the same `tr`, after `set_language`.
"""
from __future__ import annotations

import json
import os
import string
from dataclasses import dataclass, field
from typing import Any, Mapping

LANGUAGES = ("zh", "en")
_catalog: dict[str, dict[str, str]] = {}
_language = "zh"


def define(**messages: tuple[str, str]) -> None:
    """Declare messages as key=(chinese, english). Keys are unique across the program."""
    for key, (zh, en) in messages.items():
        if key in _catalog and _catalog[key] != {"zh": zh, "en": en}:
            raise ValueError(f"message {key!r} defined twice with different text")
        _catalog[key] = {"zh": zh, "en": en}


def set_language(language: str | None) -> str:
    """Set the language for `tr` ('zh' or 'en'; 'zh_CN', 'en_US' also accepted)."""
    global _language
    code = (language or "zh").lower().replace("-", "_").split("_")[0]
    _language = code if code in LANGUAGES else "zh"
    return _language


def language() -> str:
    return _language


def default_language() -> str:
    """The language asked for by the LINLI_LANG environment variable, or Chinese."""
    code = (os.environ.get("LINLI_LANG") or "zh").lower().replace("-", "_").split("_")[0]
    return code if code in LANGUAGES else "zh"


class _Plural(string.Formatter):
    """`{n:day|days}` writes "1 day", "2 days": English plurals without a rule per message."""

    def format_field(self, value: object, format_spec: str) -> str:
        if "|" in format_spec:
            one, many = format_spec.split("|", 1)
            word = one if str(value).strip() == "1" else many  # an int or its text
            return f"{value} {word}"
        return super().format_field(value, format_spec)


_FORMATTER = _Plural()


class _Lenient(dict):
    def __missing__(self, key: str) -> str:  # a missing parameter shows, never crashes
        return "{" + key + "}"


def tr(key: str, language: str | None = None, **params: object) -> str:
    """The message `key` in `language` (default: the current one), filled with params.

    A parameter that is a `Message` or `Words` is written in the same language.
    """
    entry = _catalog.get(key)
    if entry is None:
        return key
    text = entry.get(language or _language) or entry["zh"]
    if params:
        shown = {k: v.text(language) if isinstance(v, (Message, Words)) else v for k, v in params.items()}
        return _FORMATTER.vformat(text, (), _Lenient(shown))
    return text


@dataclass(frozen=True)
class Message:
    """A message kept as its key and parameters, not as text, so that it is written in the language
    in use whenever it is shown: a scan's reason recorded at a Chinese desk reads in English at an
    English one. Parameters are plain values, or a `Message` or `Words` themselves."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self, language: str | None = None) -> str:
        return tr(self.key, language, **self.params)

    def params_json(self) -> str:
        """The parameters as the store keeps them (see `stored_text`)."""
        return json.dumps({k: _encoded(v) for k, v in self.params.items()}, ensure_ascii=False, default=str)


@dataclass(frozen=True)
class Words:
    """A text the store itself keeps in each language (a room's names): chosen, not translated."""

    zh: str
    en: str

    def text(self, language: str | None = None) -> str:
        return self.en if (language or _language) == "en" else self.zh


def _encoded(value: Any) -> Any:
    if isinstance(value, Message):
        return {"key": value.key, "params": {k: _encoded(v) for k, v in value.params.items()}}
    if isinstance(value, Words):
        return {"zh": value.zh, "en": value.en}
    return value


def _decoded(value: Any) -> Any:
    if isinstance(value, dict) and isinstance(value.get("key"), str):
        params = value.get("params")
        return Message(value["key"], {k: _decoded(v) for k, v in params.items()} if isinstance(params, dict) else {})
    if isinstance(value, dict) and "zh" in value and "en" in value:
        return Words(str(value["zh"]), str(value["en"]))
    return value


def stored_text(key: str | None, params_json: str | None, text: str | None) -> str:
    """A message the store kept as `key` and `params_json` (besides its `text`, as it read when it
    was recorded), in the language in use.

    Rows recorded before parameters were kept show their key's text if it needs no parameter,
    else their text as recorded; so does a key this program does not know (a newer version's).
    """
    if key and has(key):
        if params_json is not None:
            try:
                params = json.loads(params_json)
            except ValueError:
                params = None
            if isinstance(params, dict):
                return Message(key, {k: _decoded(v) for k, v in params.items()}).text()
        if "{" not in tr(key, "zh") + tr(key, "en"):
            return tr(key)
    return text or ""


def has(key: str) -> bool:
    return key in _catalog


def keys() -> list[str]:
    return sorted(_catalog)
