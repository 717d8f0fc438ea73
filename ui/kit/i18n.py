"""Language switch: Chinese source strings (default) or English from resources/i18n.

Widgets retranslate themselves on QEvent.LanguageChange, so switching at run time
updates the wall in place.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

I18N_DIR = Path(__file__).resolve().parents[2] / "resources" / "i18n"
LANGUAGES: tuple[str, ...] = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"

_installed: list[QTranslator] = []  # keep references: a collected translator is uninstalled


def install_language(app: QCoreApplication, lang: str = DEFAULT_LANGUAGE) -> None:
    """Switch the console's language: 'zh_CN' (source strings) or 'en'."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGUAGES}")
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()

    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if lang == "en":
        console = QTranslator(app)
        if not console.load(str(I18N_DIR / "console_en.qm")):
            raise FileNotFoundError(I18N_DIR / "console_en.qm")
        _installed.append(console)
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    else:
        # Qt's own strings (standard dialogs, context menus) in Chinese, if shipped.
        qtbase = QTranslator(app)
        if qtbase.load(
            QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", qt_dir
        ):
            _installed.append(qtbase)
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    for translator in _installed:
        app.installTranslator(translator)
    app.setProperty("consoleLanguage", lang)


def current_language(app: QCoreApplication) -> str:
    value = app.property("consoleLanguage")
    return str(value) if value else DEFAULT_LANGUAGE
