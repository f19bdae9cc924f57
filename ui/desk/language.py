"""Switching the language while the program runs: Chinese ⇄ English.

One call sets everything that speaks: the domain's messages (`booking.store.i18n`),
Qt's own words in standard dialogs and buttons (the `qtbase` translator), the
default locale for dates and numbers, and then `desk.language_changed` so each
window retranslates itself. The choice is remembered in QSettings
("ui/language"); `--lang` on the command line wins over it for that start.
"""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QSettings, QTranslator
from PySide6.QtGui import QAction

from booking.store import i18n
from booking.store.i18n import tr
from booking.store.paths import APPLICATION, ORGANIZATION, resource_path
from ui.desk.session import Desk, follow

SETTING = "ui/language"
_LOCALES = {"zh": QLocale(QLocale.Language.Chinese, QLocale.Country.China),
            "en": QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)}
# Qt's own catalogs to load per language; English is Qt's source language and needs none. Another
# language with a catalog of ours (resources/locale/zh_TW) gets Qt's of the same name, if Qt has one.
_QT_CATALOGS = {"zh": ("qtbase_zh_CN",), "en": ()}
_installed: list[QTranslator] = []  # kept alive: Qt does not own an installed translator


def settings() -> QSettings:
    """The program's settings, under the same names as its data folder."""
    return QSettings(ORGANIZATION, APPLICATION)


def _from_argv(argv: Sequence[str]) -> str | None:
    for i, item in enumerate(argv):
        if item == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if item.startswith("--lang="):
            return item.split("=", 1)[1]
    return None


def startup_language(argv: Sequence[str] = ()) -> str:
    """The language to start in: --lang, else the remembered choice, else LINLI_LANG, else Chinese."""
    asked = _from_argv(argv) or settings().value(SETTING) or i18n.default_language()
    return i18n.set_language(str(asked))


def start(argv: Sequence[str] = ()) -> str:
    """At start (after the QApplication exists): set the start language without remembering --lang."""
    return apply(startup_language(argv), remember=False)


def _translation_dirs() -> list[str]:
    # A PyInstaller build may carry the catalogs in resources/translations; a
    # checkout uses the ones PySide6 ships.
    return [str(resource_path("translations")), QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)]


def _install_qt_catalogs(language: str) -> list[str]:
    app = QCoreApplication.instance()
    for old in _installed:
        if app is not None:
            app.removeTranslator(old)
    _installed.clear()
    loaded = []
    for catalog in _QT_CATALOGS.get(language, (f"qtbase_{language}",)):
        translator = QTranslator()
        if any(translator.load(catalog, folder) for folder in _translation_dirs()):
            if app is not None:
                app.installTranslator(translator)
            _installed.append(translator)
            loaded.append(catalog)
    return loaded


def apply(language: str, desk: Desk | None = None, remember: bool = True) -> str:
    """Switch the whole program to `language` ('zh', 'en', or another with a catalog); returns the language set.

    Qt sends every widget a LanguageChange event when a translator changes;
    our own texts come from `tr`, so windows listen to `desk.language_changed`.
    """
    code = i18n.set_language(language)
    _install_qt_catalogs(code)
    QLocale.setDefault(_LOCALES.get(code) or QLocale(code))
    if remember:
        settings().setValue(SETTING, code)
    if desk is not None:
        desk.language_changed.emit(code)
    return code


def restore_defaults() -> None:
    """Back to how a fresh process starts: Chinese messages, no Qt catalog, the system locale.

    For tests: a translator or default locale left installed would change what
    the next test's widgets say (Qt translates key names: "Alt+左方向").
    """
    i18n.set_language("zh")
    _install_qt_catalogs("en")
    QLocale.setDefault(QLocale.system())


def other(language: str | None = None) -> str:
    return "en" if (language or i18n.language()) == "zh" else "zh"


def toggle(desk: Desk | None = None) -> str:
    """Chinese to English or back."""
    return apply(other(), desk)


def switch_action(desk: Desk, parent: QObject) -> QAction:
    """A menu entry that switches to the other language; its text follows the language."""
    action = QAction(parent)

    def retranslate(_code: str = "") -> None:
        action.setText(tr("uis_lang_switch"))
        action.setToolTip(tr("uis_lang_switch_tip"))
        action.setStatusTip(tr("uis_lang_switch_tip"))

    action.triggered.connect(lambda: toggle(desk))
    follow(desk.language_changed, action, retranslate)
    retranslate()
    return action
