"""Messages of the domain in the user's language, without Qt.

The domain speaks to people through errors, verdicts and report captions. Code names a message by
its key, `tr("booking_clash", code=...)`; the texts live in gettext catalogs,
resources/locale/<language>/LC_MESSAGES/linli.po, compiled to the linli.mo beside each, which this
module reads with the standard library's `gettext` (Babel, which extracts and compiles them, is a
tool for developers only: see resources/locale/catalogs.py). Chinese (zh_CN) is the default and the
fallback for any message a catalog lacks; a new language is a new catalog folder, no code change.
LINLI_LOCALE_DIR names a folder searched before the bundled one (a translator's catalog under test).
The Qt side (ui/) asks for its texts through the same `tr`, after `set_language`.

Plurals are gettext's: a message in COUNTS has one text per plural form of each language
("{n} day", "{n} days"), chosen by the parameter COUNTS names. Where a sentence counts two things,
its other counts are written `{days:unit_days}`: the parameter through that plural message.
"""
from __future__ import annotations

import gettext
import json
import os
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from booking.store.paths import resource_path

DOMAIN = "linli"
DEFAULT = "zh_CN"  # the catalog of "zh", the program's default language
# Message key -> the parameter that counts, for the messages with plural forms ("n" for most).
COUNTS: dict[str, str] = {
    "booking_too_long": "days",
    "breach_max_active": "actual",
    "breach_max_days_ahead": "limit",
    "clerk_password_long": "n",
    "clerk_password_short": "n",
    "count_clash_or_break": "n",
    "count_dates": "n",
    "count_more_cancelled": "n",
    "count_new_plates": "n",
    "count_new_residents": "n",
    "count_registered": "n",
    "count_rooms": "n",
    "count_rows": "n",
    "count_rows_have": "n",
    "credit_hours_too_many": "max",
    "error_repeated": "n",
    "export_too_many": "limit",
    "exportcmd_done": "rows",
    "fee_item_band": "units",
    "fee_item_free": "n",
    "fee_item_overstay": "n",
    "holiday_too_many": "n",
    "imp_has_invalid": "count",
    "importcmd_summary": "rows",
    "ledger_refund_policy": "hours",
    "ledger_refund_policy_ok": "hours",
    "noshow_breach": "count",
    "pass_keys_full": "max",
    "pass_revision_limit": "max",
    "pass_too_long": "extra",
    "pass_too_short": "missing",
    "scan_input_too_long": "n",
    "scan_too_early": "early",
    "scan_too_long": "extra",
    "scan_too_short": "missing",
    "series_problems": "n",
    "sheetcmd_pdf": "pages",
    "sheetcmd_printed": "pages",
    "udemo_done": "bookings",
    "udemo_stopped": "bookings",
    "ui_book_holidays_left": "n",
    "ui_book_series_ok": "n",
    "ui_book_series_some": "n",
    "ui_win_no_shows": "n",
    "ui_win_saved_series": "n",
    "uib_backup_done": "bookings",
    "uib_restore_confirm": "bookings",
    "uib_restore_done": "bookings",
    "uig_exp_done": "rows",
    "uig_fee_refund_confirm": "hours",
    "uig_stmt_csv_done": "rows",
    "uig_sum_bookings": "total",
    "uig_sum_heading": "days",
    "uimp_done": "added",
    "uimp_summary": "rows",
    "uio_hits_text": "n",
    "uio_key_state": "live",
    "uio_repeat_count": "n",
    "uis_count": "n",
    "uis_scan_recent": "n",
    "unit_days": "n",
}
_language = "zh"
# Read once: a language's catalog, and the language a tag names; made again when a language is set
# after LINLI_LOCALE_DIR changed (a test's, or a translator's, catalog folder).
_loaded: dict[str, _Catalog] = {}
_codes: dict[str | None, str] = {}
_made_for: list[str | None] = [None]  # the LINLI_LOCALE_DIR of what _loaded and _codes hold
_bundled: list[Path] = []


class _Catalog(gettext.GNUTranslations):
    """A compiled catalog that also knows its keys (for `has`, `keys` and the self-test)."""

    def _parse(self, fp: Any) -> None:
        super()._parse(fp)
        entries: dict[Any, str] = vars(self)["_catalog"]  # singular "key", plural ("key", form)
        self.keys = frozenset(k if isinstance(k, str) else k[0] for k in entries if k)


def locale_dirs() -> list[Path]:
    """Where catalogs are looked for: LINLI_LOCALE_DIR first, then the bundled resources/locale."""
    if not _bundled:
        _bundled.append(resource_path("locale"))
    override = os.environ.get("LINLI_LOCALE_DIR")
    return ([Path(override)] if override else []) + _bundled


def catalogs() -> list[str]:
    """The languages there is a catalog of, by folder name ('en', 'zh_CN', ...)."""
    return sorted({path.parent.parent.name for folder in locale_dirs()
                   for path in folder.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")})


def _catalog_file(name: str) -> Path | None:
    for folder in locale_dirs():
        path = folder / name / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if path.is_file():
            return path
    return None


def _name(code: str) -> str:
    return DEFAULT if code == "zh" else code


def _code(language: str | None) -> str:
    """'zh', 'en' or another catalog's name for a language tag ('zh_CN', 'en-US', 'zh_TW'); else 'zh'."""
    found = _codes.get(language)
    if found is None:
        found = _codes[language] = _find_code(language)
    return found


def _look_again() -> None:
    override = os.environ.get("LINLI_LOCALE_DIR")
    if override != _made_for[0]:
        _made_for[0] = override
        _loaded.clear()
        _codes.clear()


def _find_code(language: str | None) -> str:
    tag = (language or "zh").replace("-", "_")
    base, _, region = tag.partition("_")
    for name in (f"{base.lower()}_{region.upper()}" if region else "", base.lower()):
        if name in ("zh", DEFAULT):
            return "zh"
        if name and _catalog_file(name) is not None:
            return name
    return "zh"


def _translations(code: str) -> _Catalog:
    """The catalog of `code`, falling back to Chinese, read once."""
    found = _loaded.get(code)
    if found is None:
        found = _read(_name(code))
        if code != "zh":
            found.add_fallback(_Chinese())
        _loaded[code] = found
    return found


class _Chinese(gettext.NullTranslations):
    """zh_CN behind another catalog, read only if that one lacks a message (English starts reading one)."""

    def gettext(self, message: str) -> str:
        return _translations("zh").gettext(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return _translations("zh").ngettext(msgid1, msgid2, n)


def _read(name: str) -> _Catalog:
    path = _catalog_file(name)
    if path is None:
        raise FileNotFoundError(f"no {DOMAIN}.mo for {name} in {', '.join(map(str, locale_dirs()))}")
    with path.open("rb") as handle:
        return _Catalog(handle)


def set_language(language: str | None) -> str:
    """Set the language for `tr`: 'zh' or 'en' (also 'zh_CN', 'en_US'), or any language with a
    catalog ('zh_TW'); anything else is Chinese. Returns the language set."""
    global _language
    _look_again()
    _language = _code(language)
    return _language


def language() -> str:
    return _language


def catalog(code: str) -> object:
    """The catalog `tr` reads for language `code` (a new object when the catalogs are read again)."""
    return _translations(code)


def default_language() -> str:
    """The language asked for by the LINLI_LANG environment variable, or Chinese."""
    _look_again()
    return _code(os.environ.get("LINLI_LANG"))


def _count(value: object) -> int:
    """The number a plural form is chosen by: an int, or the digits of a text; "1.5" counts as many."""
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.lstrip("-").isdigit() else 2


class _Counting(string.Formatter):
    """`{days:unit_days}` writes the parameter through the plural message `unit_days`."""

    def __init__(self, language: str | None) -> None:
        self.language = language

    def format_field(self, value: object, format_spec: str) -> str:
        if format_spec in COUNTS:
            return tr(format_spec, self.language, n=value)
        return str(super().format_field(value, format_spec))


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:  # a missing parameter shows, never crashes
        return "{" + key + "}"


def tr(key: str, language: str | None = None, **params: object) -> str:
    """The message `key` in `language` (default: the current one), filled with params.

    A parameter that is a `Message` or `Words` is written in the same language. A key no catalog
    has reads as itself.
    """
    code = _language if language is None else _code(language)
    catalog = _loaded.get(code) or _translations(code)
    counted = COUNTS.get(key)
    if counted is None:
        text = catalog.gettext(key)
    else:
        text = catalog.ngettext(key, key, _count(params.get(counted, 1)))
    if params:
        shown = {k: v.text(code) if isinstance(v, (Message, Words)) else v for k, v in params.items()}
        return _Counting(code).vformat(text, (), _Lenient(shown))
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
    """Whether `key` is a message of the default catalog (every catalog has the same keys)."""
    return key in _translations("zh").keys


def keys() -> list[str]:
    return sorted(_translations("zh").keys)
