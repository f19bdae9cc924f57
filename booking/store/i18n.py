"""Messages of the domain in the user's language, without Qt.

The domain speaks to people through errors, verdicts and report captions. Each
module declares its messages next to the code that uses them with `define`;
`tr` renders one in the current language. Chinese is the default.
The Qt side (ui/) has its own translations for widgets; it asks the domain for
these texts through the same `tr`, after `set_language`.
"""
from __future__ import annotations

import os
import string

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
    """The message `key` in `language` (default: the current one), filled with params."""
    entry = _catalog.get(key)
    if entry is None:
        return key
    text = entry.get(language or _language) or entry["zh"]
    if params:
        return _FORMATTER.vformat(text, (), _Lenient(params))
    return text


def has(key: str) -> bool:
    return key in _catalog


def keys() -> list[str]:
    return sorted(_catalog)
