"""Translations: catalogues compile to the .mo files gettext reads, and stay in sync."""

import gettext

import pytest

from isoko import i18n

PO = """\
# French labels for a test domain.
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Price"
msgstr "Prix"

msgid "Profit after "
"fees"
msgstr "Bénéfice après "
"frais"

msgid "Untranslated"
msgstr ""
"""


def test_po_compiles_to_a_catalogue_gettext_reads(tmp_path):
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "isoko-test.po").write_text(PO, encoding="utf-8")
    (mo,) = i18n.compile_catalogues(tmp_path)
    _ = gettext.translation("isoko-test", tmp_path, languages=["fr"]).gettext
    assert mo.name == "isoko-test.mo"
    assert _("Price") == "Prix"
    assert _("Profit after fees") == "Bénéfice après frais"
    assert _("Untranslated") == "Untranslated"


def test_a_duplicate_message_is_an_error(tmp_path):
    po = tmp_path / "dup.po"
    po.write_text('msgid "A"\nmsgstr "B"\n\nmsgid "A"\nmsgstr "C"\n')
    with pytest.raises(ValueError, match="twice"):
        i18n.read_po(po)


def test_english_needs_no_catalogue_and_unknown_languages_are_refused():
    assert i18n.translator("isoko-anything", "en")("Price") == "Price"
    with pytest.raises(ValueError, match="no labels for language 'rw'"):
        i18n.translator("isoko-anything", "rw")


def test_committed_catalogues_are_compiled(tmp_path):
    """Every .po has a .mo that matches it: a changed .po needs `python -m isoko.i18n`."""
    for po in sorted(i18n.LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        fresh = tmp_path / mo.name
        i18n.write_mo(i18n.read_po(po), fresh)
        assert mo.exists() and mo.read_bytes() == fresh.read_bytes(), f"recompile {po.name}"
