"""Translations through gettext: English in the code, other languages in catalogues.

Messages used by one simulator only live in that simulator's domain
(``isoko-<module>``), so its catalogue is short and one translator can own it; messages
that several simulators use (shared input labels, "Cannot work this out: {reason}")
live once in the shared domain :data:`SHARED_DOMAIN`. A simulator's translator looks
in its own domain first, then in the shared one, so a simulator's catalogue may keep
its own wording of a shared message.

Catalogues are ``locale/<lang>/LC_MESSAGES/<domain>.po``, kept up to date with the code
by Babel (``python -m isoko.i18n update``, or ``make translations``). The compiled
``.mo`` files gettext reads are not kept in git: ``make install`` compiles them into
the source tree, and building the package (``pip install .``, a wheel) compiles them
into what is installed. The languages offered are English (the message ids) and every
language with catalogues: adding one is adding its catalogues.

Numbers and money are written with Babel's locale data: see :mod:`isoko.i18n.numbers`.

An app follows the language named in its URL (``?lang=fr``): Voilà puts the request's
query string in the kernel's environment, where :func:`requested_language` reads it.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import parse_qs

from babel import Locale, UnknownLocaleError

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

#: The domain of messages that several simulators use.
SHARED_DOMAIN = "isoko"

#: The language of the message ids in the code; it needs no catalogue.
SOURCE_LANGUAGE = "en"

#: The query parameter of an app's URL that names its language (``?lang=fr``).
LANGUAGE_PARAMETER = "lang"


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it (it is translated later,
    with a simulator's ``_``, when the view is built)."""
    return message


def languages(locale_dir: Path = LOCALE_DIR) -> tuple[str, ...]:
    """English, then every language with at least one catalogue in ``locale_dir``."""
    found = {po.parent.parent.name for po in locale_dir.glob("*/LC_MESSAGES/*.po")}
    return (SOURCE_LANGUAGE, *sorted(found - {SOURCE_LANGUAGE}))


def native_name(language: str) -> str:
    """``language`` named in itself, as a language switch shows it: ``English``,
    ``Français``, ``Ikinyarwanda`` (Babel's locale data); the code itself if Babel has
    no name for it."""
    try:
        name = Locale.parse(language).get_display_name(language) or language
    except (UnknownLocaleError, ValueError, TypeError):
        return language
    return name[:1].upper() + name[1:]


def language_in_query(query: str, locale_dir: Path = LOCALE_DIR) -> str:
    """The language that ``lang=`` names in a URL's query string (``"lang=fr"``), if
    Isoko offers it; English when the query names none, or one without catalogues:
    a mistyped link still opens the app."""
    named = parse_qs(query.lstrip("?")).get(LANGUAGE_PARAMETER, [])
    language = named[-1].strip() if named else ""
    return language if language in languages(locale_dir) else SOURCE_LANGUAGE


def requested_language(
    environ: Mapping[str, str] = os.environ, locale_dir: Path = LOCALE_DIR
) -> str:
    """The language of the app page this kernel runs for. Voilà (without preheated
    kernels) starts each page's kernel with the request's query string in
    ``QUERY_STRING``; anywhere else (a notebook, a test) there is none: English."""
    return language_in_query(environ.get("QUERY_STRING", ""), locale_dir)


def translator(
    domain: str, language: str = SOURCE_LANGUAGE, locale_dir: Path = LOCALE_DIR
) -> Callable[[str], str]:
    """The ``_`` function for ``domain`` in ``language``: the domain's own catalogue
    first, then the shared one. A clear error for a language without catalogues, or
    whose catalogues were never compiled."""
    offered = languages(locale_dir)
    if language not in offered:
        raise ValueError(f"no labels for language {language!r}; choose one of {offered}")
    if language == SOURCE_LANGUAGE:
        return str
    folder = locale_dir / language / "LC_MESSAGES"
    chain = [domain] if domain == SHARED_DOMAIN else [domain, SHARED_DOMAIN]
    for name in chain:
        if (folder / f"{name}.po").exists() and not (folder / f"{name}.mo").exists():
            raise RuntimeError(
                f"the {language!r} catalogue {name}.po is not compiled: run `make install` "
                f"or `python -m isoko.i18n compile`"
            )
    first, *rest = (
        gettext.translation(name, locale_dir, languages=[language], fallback=True) for name in chain
    )
    for fallback in rest:
        first.add_fallback(fallback)
    return first.gettext
