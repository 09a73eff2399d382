"""Keeping the catalogues up to date with the code, with Babel (for translators).

:func:`extract` reads the messages the simulators mark (``_("...")`` where a view is
built, ``N_("...")`` where a label is declared) and sorts them into domains:

- a message used by one simulator module only goes to that simulator's domain,
  ``isoko-<module>``;
- a message used by two or more simulators, or declared outside a simulator module
  (the base class, shared input declarations), goes to the shared domain ``isoko``.

:func:`update` writes the templates (``locale/<domain>.pot``) and brings every
language's catalogues in step with them through Babel's ``Catalog.update``: new
messages are added untranslated (or translated, when the same language already
translates that message in another of its catalogues: a message moving into the shared
domain keeps its translation), removed ones are dropped. An entry in a simulator's
catalogue for a shared message is kept when it translates it differently from the
shared catalogue: the simulator's own wording wins there. A file is only rewritten
when a message changed, so running it twice changes nothing.
"""

from __future__ import annotations

import ast
import io
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from isoko.i18n import LOCALE_DIR, SHARED_DOMAIN

#: Where the translated messages are.
SOURCE_DIR = Path(__file__).resolve().parent.parent / "sims"
#: Other packages with messages, each all in one domain of its own: the gallery, and the
#: learner's home (``/learn``).
OTHER_SOURCES = {
    Path(__file__).resolve().parent.parent / "gallery": "isoko-gallery",
    Path(__file__).resolve().parent.parent / "learner": "isoko-learner",
}
#: What a domain's catalogue holds, for its header (the simulators' labels if not here).
CONTENTS = {"isoko-learner": "the learner's pages"}

#: The extraction keywords: ``_`` translates, ``N_`` only marks (see ``isoko.i18n.N_``).
KEYWORDS: dict[str, None] = {"_": None, "N_": None}

#: A code comment starting with this, just above a message, is shown to translators.
COMMENT_TAGS = ("Translators:",)

#: Header lines that change on every run without any message changing.
_DATES = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"$', re.MULTILINE)


def is_simulator_module(path: Path) -> bool:
    """Whether ``path`` defines a simulator (a class deriving from a ``...Simulator``
    base), and so has a domain of its own. Private modules (``_base.py``) never do: what
    they hold serves every simulator."""
    if path.stem.startswith("_"):
        return False
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                named = base.value if isinstance(base, ast.Subscript) else base
                name = getattr(named, "attr", getattr(named, "id", ""))
                if name.endswith("Simulator"):
                    return True
    return False


def own_domain(path: Path) -> str:
    """The domain of the messages of ``path`` used nowhere else."""
    return f"isoko-{path.stem}" if is_simulator_module(path) else SHARED_DOMAIN


def extract(
    source_dir: Path = SOURCE_DIR, other_sources: dict[Path, str] | None = None
) -> dict[str, Catalog]:
    """Domain -> template of the messages marked in ``source_dir``'s Python files (the
    simulators), and in each of ``other_sources`` (a folder -> its one domain)."""
    other_sources = OTHER_SOURCES if other_sources is None else other_sources
    found: dict[str, list[tuple[str, str, list[str]]]] = {}  # msgid -> (domain, file, notes)
    files = [(path, own_domain(path)) for path in sorted(source_dir.rglob("*.py"))]
    for folder, fixed in other_sources.items():
        files += [(path, fixed) for path in sorted(folder.rglob("*.py"))]
    for path, domain in files:
        where = path.relative_to(source_dir.parent.parent).as_posix()
        for _line, message, comments, _context in extract_from_file(
            "python", path, keywords=KEYWORDS, comment_tags=COMMENT_TAGS, strip_comment_tags=True
        ):
            if isinstance(message, str) and message:
                found.setdefault(message, []).append((domain, where, comments))
    templates: dict[str, Catalog] = {}
    for message, uses in found.items():
        domains = {domain for domain, _, _ in uses}
        domain = domains.pop() if len(domains) == 1 else SHARED_DOMAIN
        template = templates.setdefault(domain, _new_catalogue(domain, None))
        notes = list(dict.fromkeys(note for _, _, comments in uses for note in comments))
        template.add(
            message,
            locations=sorted({(where, None) for _, where, _ in uses}),
            auto_comments=notes,
        )
    return dict(sorted(templates.items()))


def _new_catalogue(domain: str, language: str | None) -> Catalog:
    contents = CONTENTS.get(domain, "the simulators' labels")
    return Catalog(
        locale=language,
        domain=domain,
        project="Isoko",
        version="1",
        header_comment=f"# Isoko: {contents} ({domain}).",
        fuzzy=False,
    )


def catalogue_languages(locale_dir: Path = LOCALE_DIR) -> list[str]:
    """The languages that have catalogues in ``locale_dir``."""
    return sorted({po.parent.parent.name for po in locale_dir.glob("*/LC_MESSAGES/*.po")})


def read(path: Path, language: str | None = None) -> Catalog:
    """A ``.po`` or ``.pot`` file, read by Babel."""
    with path.open("rb") as source:
        return read_po(source, locale=language, domain=path.stem)


def _text(catalogue: Catalog) -> str:
    buffer = io.BytesIO()
    write_po(buffer, catalogue, width=88, ignore_obsolete=True, include_lineno=False)
    return buffer.getvalue().decode("utf-8")


def _write_if_changed(catalogue: Catalog, path: Path) -> bool:
    text = _text(catalogue)
    if path.exists() and _DATES.sub("", path.read_text(encoding="utf-8")) == _DATES.sub("", text):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def _translated(catalogues: Iterable[Catalog]) -> dict[str, str]:
    """msgid -> its most common translation in ``catalogues`` (fuzzy ones left out)."""
    seen: dict[str, Counter[str]] = {}
    for catalogue in catalogues:
        for message in catalogue:
            if message.id and message.string and not message.fuzzy:
                seen.setdefault(message.id, Counter())[message.string] += 1
    return {msgid: counts.most_common(1)[0][0] for msgid, counts in seen.items()}


def update_language(
    language: str, templates: dict[str, Catalog], locale_dir: Path = LOCALE_DIR
) -> list[Path]:
    """Bring ``language``'s catalogues in step with ``templates``; the files written."""
    folder = locale_dir / language / "LC_MESSAGES"
    old = {po.stem: read(po, language) for po in sorted(folder.glob("*.po"))}
    known = _translated(old.values())
    written = []
    # The shared catalogue first: a simulator's entry for a shared message is only kept
    # where it differs from the shared translation.
    order = sorted(templates, key=lambda domain: domain != SHARED_DOMAIN)
    shared: dict[str, str] = {}
    for domain in order:
        catalogue = old.get(domain) or _new_catalogue(domain, language)
        own_wording = {
            m.id: m for m in catalogue if m.id and m.string and not m.fuzzy and m.id in shared
        }
        catalogue.update(templates[domain], update_header_comment=False)
        catalogue.project, catalogue.version = "Isoko", "1"
        if not catalogue.header_comment.strip():
            catalogue.header_comment = _new_catalogue(domain, language).header_comment
        for message in catalogue:
            if message.id and (not message.string or message.fuzzy) and message.id in known:
                message.string, message.flags = known[message.id], message.flags - {"fuzzy"}
        for msgid, message in own_wording.items():
            if message.string != shared[msgid]:
                catalogue[msgid] = message
        if domain == SHARED_DOMAIN:
            shared = {m.id: m.string for m in catalogue if m.id and m.string}
        if _write_if_changed(catalogue, folder / f"{domain}.po"):
            written.append(folder / f"{domain}.po")
    for domain in sorted(old.keys() - templates.keys()):  # no message left in the code
        (folder / f"{domain}.po").unlink()
        written.append(folder / f"{domain}.po")
    return written


def update(locale_dir: Path = LOCALE_DIR, source_dir: Path = SOURCE_DIR) -> list[Path]:
    """Extract, write the templates, update every language's catalogues; the files
    written (none when everything was already up to date). Another ``source_dir`` than
    the simulators' is taken alone."""
    templates = extract(source_dir, None if source_dir == SOURCE_DIR else {})
    written = [
        locale_dir / f"{domain}.pot"
        for domain, template in templates.items()
        if _write_if_changed(template, locale_dir / f"{domain}.pot")
    ]
    for stale in sorted(locale_dir.glob("*.pot")):
        if stale.stem not in templates:
            stale.unlink()
            written.append(stale)
    for language in catalogue_languages(locale_dir):
        written += update_language(language, templates, locale_dir)
    return written


def start_language(language: str, locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Empty catalogues for a new ``language``, one per template, to translate."""
    folder = locale_dir / language / "LC_MESSAGES"
    if any(folder.glob("*.po")):
        raise ValueError(f"{language!r} already has catalogues in {folder}")
    written = []
    for pot in sorted(locale_dir.glob("*.pot")):
        catalogue = _new_catalogue(pot.stem, language)
        catalogue.update(read(pot))
        _write_if_changed(catalogue, folder / f"{pot.stem}.po")
        written.append(folder / f"{pot.stem}.po")
    return written
