"""Translations with Babel: catalogues up to date with the code, compiled at install time
(never kept in git), one shared domain, and a new language is only new catalogues."""

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from isoko import i18n
from isoko.i18n import catalogues
from isoko.i18n.__main__ import main
from isoko.i18n.compiling import compile_catalogues
from support.sims import placeholders

ROOT = Path(__file__).resolve().parents[2]

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

#, fuzzy
msgid "Profit before fees"
msgstr "Bénéfice après frais"

msgid "Untranslated"
msgstr ""
"""


@pytest.fixture
def locale_copy(tmp_path):
    """The package's catalogues (``.po`` and templates, no ``.mo``) in a temporary folder."""
    copy = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, copy, ignore=shutil.ignore_patterns("*.mo"))
    return copy


def test_no_compiled_catalogue_is_kept_in_git():
    tracked = subprocess.run(
        ["git", "ls-files", "*.mo"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked == []
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "widgets/isoko/locale/fr/LC_MESSAGES/isoko.mo"], cwd=ROOT
    )
    assert ignored.returncode == 0, "compiled catalogues must be git-ignored"


def test_babel_compiles_a_catalogue_gettext_reads(tmp_path):
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "isoko-test.po").write_text(PO, encoding="utf-8")
    (mo,) = compile_catalogues(tmp_path)
    _ = gettext.translation("isoko-test", tmp_path, languages=["fr"]).gettext
    assert mo == folder / "isoko-test.mo"
    assert _("Price") == "Prix"
    assert _("Profit after fees") == "Bénéfice après frais"
    assert _("Profit before fees") == "Profit before fees"  # fuzzy: not trusted yet
    assert _("Untranslated") == "Untranslated"


def test_a_fresh_compile_of_the_catalogues_translates_own_and_shared_labels(locale_copy):
    """What ``make install`` and the package build do, from the ``.po`` files alone."""
    with pytest.raises(RuntimeError, match="not compiled"):
        i18n.translator("isoko-pricing", "fr", locale_copy)
    compile_catalogues(locale_copy)
    pricing = i18n.translator("isoko-pricing", "fr", locale_copy)
    freight = i18n.translator("isoko-freight", "fr", locale_copy)
    assert pricing("Price and profit") == "Prix et bénéfice"  # its own catalogue
    assert pricing("assumption") == freight("assumption") == "hypothèse"  # the shared one
    # a simulator's own wording of a shared label wins over the shared translation
    assert pricing("Exchange rate (RWF per USD)") == "Taux de change (RWF pour 1\u00a0USD)"
    assert freight("Exchange rate (RWF per USD)") == "Taux de change (RWF pour 1 USD)"
    # another simulator's label: not here
    assert pricing("Bottles in one carton") == "Bottles in one carton"
    assert freight("Bottles in one carton") == "Bouteilles par carton"
    # titles are shared: the gallery's index shows them all
    assert pricing("Air or sea") == freight("Air or sea") == "Avion ou bateau"


def test_english_needs_no_catalogue_and_unknown_languages_are_refused():
    assert i18n.N_("Price") == "Price"
    assert i18n.translator("isoko-anything", "en")("Price") == "Price"
    assert i18n.languages() == ("en", "fr")
    with pytest.raises(ValueError, match="no labels for language 'rw'"):
        i18n.translator("isoko-anything", "rw")


def test_the_catalogues_are_up_to_date_with_the_code(locale_copy):
    """``make translations`` on the committed catalogues has nothing to change: every
    message the code marks is in its template and its catalogue, none is obsolete."""
    assert catalogues.update(locale_copy) == []


def test_every_message_is_translated_into_french_and_nothing_is_obsolete():
    templates = catalogues.extract()
    assert i18n.SHARED_DOMAIN in templates and "isoko-pricing" in templates
    shared = {m.id for m in templates[i18n.SHARED_DOMAIN] if m.id}
    assert {"assumption", "Cannot work this out: {reason}"} <= shared
    folder = i18n.LOCALE_DIR / "fr" / "LC_MESSAGES"
    assert sorted(po.stem for po in folder.glob("*.po")) == sorted(templates)
    for domain, template in templates.items():
        catalogue = catalogues.read(folder / f"{domain}.po", "fr")
        expected = {m.id for m in template if m.id}
        found = {m.id: m for m in catalogue if m.id}
        assert sorted(expected - found.keys()) == [], domain  # missing
        allowed = expected if domain == i18n.SHARED_DOMAIN else expected | shared
        assert sorted(found.keys() - allowed) == [], domain  # obsolete
        for msgid, message in found.items():
            assert message.string and not message.fuzzy, f"{domain}: {msgid!r} untranslated"
            extra = set(placeholders(message.string)) - set(placeholders(msgid))
            assert extra <= {"price"}, (domain, msgid)  # pricing's legend: number alone


def test_a_shared_message_is_translated_once():
    """A simulator's catalogue holds a shared message only to word it differently."""
    folder = i18n.LOCALE_DIR / "fr" / "LC_MESSAGES"
    shared = {m.id: m.string for m in catalogues.read(folder / "isoko.po", "fr") if m.id}
    for po in folder.glob("isoko-*.po"):
        for message in catalogues.read(po, "fr"):
            if message.id in shared:
                assert message.string != shared[message.id], (po.name, message.id)


def test_a_message_several_simulators_use_moves_to_the_shared_domain(tmp_path):
    """Two simulators start using one label: its translation moves to the shared
    catalogue, and a second update changes nothing."""
    code, locale_dir = tmp_path / "isoko" / "sims", tmp_path / "locale"
    code.mkdir(parents=True)
    simulator = "class {name}Simulator(_base.Simulator):\n    title = N_({title!r})\n"
    (code / "tea.py").write_text(simulator.format(name="Tea", title="Tea"))
    (code / "milk.py").write_text(simulator.format(name="Milk", title="Milk"))
    # the base module holds messages for every simulator, even one deriving from another
    base = 'class Simulator:\n    oops = _("Oops")\n\n\nclass Chart(Simulator):\n    pass\n'
    (code / "_base.py").write_text(base)
    folder = locale_dir / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    tea = 'msgid "Tea"\nmsgstr "Thé"\n\nmsgid "Oops"\nmsgstr "Zut"\n'
    (folder / "isoko-tea.po").write_text(tea, encoding="utf-8")
    catalogues.update(locale_dir, code)
    assert sorted(p.name for p in locale_dir.glob("*.pot")) == [
        "isoko-milk.pot",
        "isoko-tea.pot",
        "isoko.pot",
    ]
    translated = {
        po.stem: {m.id: m.string for m in catalogues.read(po, "fr") if m.id}
        for po in folder.glob("*.po")
    }
    assert translated == {
        "isoko": {"Oops": "Zut"},
        "isoko-tea": {"Tea": "Thé"},
        "isoko-milk": {"Milk": ""},
    }
    assert catalogues.update(locale_dir, code) == []


def test_a_new_language_is_only_new_catalogues(locale_copy):
    """Kinyarwanda: start its catalogues, translate one label, compile; it is offered."""
    assert "rw" not in i18n.languages(locale_copy)
    started = catalogues.start_language("rw", locale_copy)
    assert {po.stem for po in started} == {pot.stem for pot in locale_copy.glob("*.pot")}
    po = locale_copy / "rw" / "LC_MESSAGES" / "isoko-pricing.po"
    with po.open("rb") as source:
        catalogue = read_po(source, locale="rw")
    catalogue["Packs sold at the reference price"].string = "Amapaki agurishwa ku giciro fatizo"
    with po.open("wb") as target:
        write_po(target, catalogue)
    compile_catalogues(locale_copy)
    assert i18n.languages(locale_copy) == ("en", "fr", "rw")
    _ = i18n.translator("isoko-pricing", "rw", locale_copy)
    assert _("Packs sold at the reference price") == "Amapaki agurishwa ku giciro fatizo"
    assert _("assumption") == "assumption"  # not translated yet: English


def test_the_translators_commands(locale_copy, capsys):
    """What ``make translations`` and ``make install`` run."""
    assert main(["--locale-dir", str(locale_copy), "update"]) == 0
    assert capsys.readouterr().out == "catalogues already up to date\n"
    assert main(["--locale-dir", str(locale_copy), "compile"]) == 0
    assert "fr/LC_MESSAGES/isoko.mo" in capsys.readouterr().out.split()
    assert (locale_copy / "fr" / "LC_MESSAGES" / "isoko.mo").exists()
