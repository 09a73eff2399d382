"""The learner's language, chosen once: kept as JupyterLab's own language setting.

There is one place for it, the learner's JupyterLab user settings
(``@jupyterlab/translation-extension:plugin``, key ``locale``, in the learner's home):
choosing on ``/learn`` writes it, so JupyterLab opens in that language from then on,
after a restart too; and ``/learn`` reads it back, so a choice made in JupyterLab's own
Settings → Language menu shows there as well.

JupyterLab names a language by the locale of its language pack (the entry point name of
the pack, ``fr_FR`` for ``jupyterlab-language-pack-fr-FR``); Isoko by the language of
its catalogues (``fr``). English is JupyterLab's own ``en``. A language Isoko offers
but no installed pack translates (Kinyarwanda, until a pack exists) is written as its
code alone: JupyterLab then stays in English, and ``/learn`` and the apps still follow it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from importlib.metadata import entry_points
from pathlib import Path

import json5

from isoko import i18n

#: JupyterLab's language setting: the plugin and the key that hold the locale.
LAB_LANGUAGE_PLUGIN = "@jupyterlab/translation-extension:plugin"
LAB_LOCALE_KEY = "locale"
#: The entry point group through which JupyterLab finds its installed language packs.
LANGUAGE_PACK_GROUP = "jupyterlab.languagepack"
#: JupyterLab's name of English (it needs no pack).
LAB_ENGLISH = "en"


class UnknownLanguage(ValueError):
    """A language Isoko has no catalogues for; the message names the ones it has."""


def installed_lab_locales() -> list[str]:
    """The locales of the JupyterLab language packs installed here (``["fr_FR"]``)."""
    return sorted(point.name for point in entry_points(group=LANGUAGE_PACK_GROUP))


def settings_file(settings_dir: Path) -> Path:
    """Where JupyterLab keeps the learner's language setting under ``settings_dir`` (its
    user settings directory, ``~/.jupyter/lab/user-settings`` by default)."""
    package, plugin = LAB_LANGUAGE_PLUGIN.split(":")
    return settings_dir / package / f"{plugin}.jupyterlab-settings"


def lab_locale(language: str, installed: Iterable[str]) -> str:
    """JupyterLab's locale for Isoko's ``language``: ``en``; the installed pack of that
    language (``fr`` -> ``fr_FR``, or ``fr_CA`` if that is the only one); else the code."""
    if language == i18n.SOURCE_LANGUAGE:
        return LAB_ENGLISH
    packs = [locale for locale in installed if locale.split("_")[0] == language]
    preferred = f"{language}_{language.upper()}"
    return preferred if preferred in packs else (packs[0] if packs else language)


def language_of_locale(locale: str, offered: Iterable[str]) -> str:
    """Isoko's language for a JupyterLab locale (``fr_FR`` -> ``fr``); English for a
    locale of no language Isoko offers, and for ``default``."""
    language = locale.replace("-", "_").split("_")[0]
    return language if language in tuple(offered) else i18n.SOURCE_LANGUAGE


def _read(path: Path) -> dict:
    """The settings in ``path`` (JSON5, as JupyterLab writes them); none if it is
    missing or unreadable: JupyterLab ignores such a file too."""
    try:
        settings = json5.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return settings if isinstance(settings, dict) else {}


def chosen_language(settings_dir: Path, offered: Iterable[str] | None = None) -> str:
    """The language the learner chose (in ``/learn`` or in JupyterLab), as Isoko names
    it; English if they never chose one."""
    offered = i18n.languages() if offered is None else tuple(offered)
    locale = _read(settings_file(settings_dir)).get(LAB_LOCALE_KEY)
    if not isinstance(locale, str):
        return i18n.SOURCE_LANGUAGE
    return language_of_locale(locale, offered)


def choose_language(
    settings_dir: Path,
    language: str,
    offered: Iterable[str] | None = None,
    installed: Iterable[str] | None = None,
) -> str:
    """Write ``language`` as the learner's JupyterLab language; returns the locale
    written. The file's other settings are kept. :class:`UnknownLanguage` (nothing
    written) for a language Isoko does not offer."""
    offered = i18n.languages() if offered is None else tuple(offered)
    if language not in offered:
        choices = ", ".join(f"{code} ({i18n.native_name(code)})" for code in offered)
        raise UnknownLanguage(f"Isoko has no language {language!r}; choose one of: {choices}")
    locale = lab_locale(language, installed_lab_locales() if installed is None else installed)
    path = settings_file(settings_dir)
    settings = {**_read(path), LAB_LOCALE_KEY: locale}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=4) + "\n", encoding="utf-8")
    return locale


def lab_settings_dir(extension_apps: Mapping[str, set], default: Path) -> Path:
    """The user settings directory of the JupyterLab this server runs (the server's
    ``extension_manager.extension_apps``); ``default`` if JupyterLab is not loaded."""
    for app in extension_apps.get("jupyterlab", ()):
        folder = getattr(app, "user_settings_dir", "")
        if folder:
            return Path(folder)
    return default
