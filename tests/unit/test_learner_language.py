"""The learner's language: chosen once on My courses, kept as JupyterLab's own setting,
and followed by the apps through ``?lang=`` in their URL."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from isoko import i18n
from isoko.courses.apps import app_source
from isoko.learner.coursework import AssignmentState, CourseState, Coursework, Item
from isoko.learner.home import home_page, translator
from isoko.learner.language import (
    LAB_LANGUAGE_PLUGIN,
    UnknownLanguage,
    choose_language,
    chosen_language,
    installed_lab_locales,
    lab_locale,
    settings_file,
)
from isoko.sims import catalog
from isoko.sims.pricing import PriceProfitSimulator
from support.sims import texts

#: French groups thousands with a no-break space (Isoko keeps U+00A0, see
#: isoko.i18n.numbers; CLDR's own is U+202F) and writes a decimal comma.
FRENCH_THOUSANDS = re.compile(r"\d[\u00a0\u202f]\d{3}")
FRENCH_DECIMALS = re.compile(r"\d,\d")


# --- apps follow ?lang= ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "language"),
    [
        ("lang=fr", "fr"),
        ("?lang=fr", "fr"),
        ("theme=dark&lang=fr", "fr"),
        ("lang=en", "en"),
        ("", "en"),
        ("lang=", "en"),
        ("lang=xx", "en"),
        ("lang=FR", "en"),
        ("lang=%3Cscript%3E", "en"),
        ("lang", "en"),
    ],
)
def test_the_language_of_an_app_comes_from_its_query_string(query, language):
    assert i18n.language_in_query(query) == language


def test_a_kernel_without_a_query_string_is_in_english():
    assert i18n.requested_language({}) == "en"
    assert i18n.requested_language({"QUERY_STRING": "lang=fr"}) == "fr"


def app_view(source: str):
    """What the last line of an app's one cell shows, the cell run in this process."""
    tree = ast.parse(source)
    namespace: dict = {}
    exec(compile(ast.Module(tree.body[:-1], []), "<app>", "exec"), namespace)
    return eval(compile(ast.Expression(tree.body[-1].value), "<app>", "eval"), namespace)


@pytest.mark.parametrize("entry", catalog(), ids=lambda entry: entry.id)
def test_every_app_shows_the_language_of_its_url(entry, monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "lang=fr")
    shown = texts(app_view(app_source(entry)))
    # "assumption", a label every simulator shows, in French.
    assert "hypothèse" in shown and "assumption" not in shown
    monkeypatch.setenv("QUERY_STRING", "lang=xx")
    shown = texts(app_view(app_source(entry)))
    assert "assumption" in shown and "hypothèse" not in shown


def test_an_app_in_french_writes_french_numbers(monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "lang=fr")
    readout = PriceProfitSimulator().profit_html
    assert "Bénéfice" in readout
    assert FRENCH_THOUSANDS.search(readout) and FRENCH_DECIMALS.search(readout), readout
    assert not re.search(r"\d,\d{3}", readout), "English thousands"


def test_an_explicit_language_wins_over_the_url(monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "lang=fr")
    assert PriceProfitSimulator(language="en").language == "en"
    monkeypatch.setenv("QUERY_STRING", "lang=en")
    assert PriceProfitSimulator(language="fr").language == "fr"
    with pytest.raises(ValueError, match="no labels for language 'rw'"):
        PriceProfitSimulator(language="rw")


# --- the setting, in JupyterLab's own place ---------------------------------------------


def test_the_french_language_pack_is_installed_and_named_fr_fr():
    assert "fr_FR" in installed_lab_locales()
    assert lab_locale("fr", installed_lab_locales()) == "fr_FR"


def test_choosing_french_writes_jupyterlabs_language_setting(tmp_path: Path):
    assert choose_language(tmp_path, "fr", installed=["de_DE", "fr_FR"]) == "fr_FR"
    path = tmp_path / "@jupyterlab" / "translation-extension" / "plugin.jupyterlab-settings"
    assert settings_file(tmp_path) == path
    assert LAB_LANGUAGE_PLUGIN == "@jupyterlab/translation-extension:plugin"
    assert json.loads(path.read_text())["locale"] == "fr_FR"
    assert chosen_language(tmp_path) == "fr"

    assert choose_language(tmp_path, "en", installed=["fr_FR"]) == "en"
    assert json.loads(path.read_text())["locale"] == "en"
    assert chosen_language(tmp_path) == "en"


def test_a_language_without_a_jupyterlab_pack_is_still_a_choice(tmp_path: Path):
    """Kinyarwanda, once it has catalogues: JupyterLab stays English, Isoko follows."""
    offered = ("en", "fr", "rw")
    assert choose_language(tmp_path, "rw", offered, installed=["fr_FR"]) == "rw"
    assert chosen_language(tmp_path, offered) == "rw"
    assert lab_locale("fr", ["fr_CA"]) == "fr_CA"


def test_a_choice_made_in_jupyterlab_reads_back(tmp_path: Path):
    """JupyterLab's Settings -> Language writes JSON5, comments and other keys included."""
    path = settings_file(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text('{\n    // Langue\n    "locale": "fr_FR",\n    "stringsPrefix": "!!",\n}\n')
    assert chosen_language(tmp_path) == "fr"
    choose_language(tmp_path, "en", installed=["fr_FR"])
    assert json.loads(path.read_text()) == {"locale": "en", "stringsPrefix": "!!"}


@pytest.mark.parametrize("content", [None, "", "{not json", '{"locale": "default"}', "[1]"])
def test_no_choice_or_a_broken_file_is_english(tmp_path: Path, content):
    if content is not None:
        settings_file(tmp_path).parent.mkdir(parents=True)
        settings_file(tmp_path).write_text(content)
    assert chosen_language(tmp_path) == "en"


@pytest.mark.parametrize("bad", ["xx", "", "fr_FR", "../../etc", "FR"])
def test_a_bad_language_is_refused_with_the_choices_and_nothing_is_written(tmp_path, bad):
    with pytest.raises(UnknownLanguage, match=r"no language .*choose one of: en \(English\), fr"):
        choose_language(tmp_path, bad)
    assert not any(tmp_path.iterdir())


def test_languages_are_named_in_themselves():
    assert [i18n.native_name(code) for code in ("en", "fr", "rw")] == [
        "English",
        "Français",
        "Ikinyarwanda",
    ]


# --- My courses --------------------------------------------------------------------------

COURSE = CourseState(
    "pricing",
    lessons=[Item("Lesson 1", "pricing/lessons/01.ipynb")],
    apps=[Item("price and profit", "pricing/apps/price-and-profit.ipynb")],
)


def test_my_courses_offers_every_language_and_links_apps_in_the_chosen_one():
    page = home_page("/user/amina/", "tok", "amina", [COURSE], None, "fr", ("en", "fr"))
    form = re.search(r'<form method="post" action="/user/amina/learn/language".*?</form>', page)
    assert form, page
    assert '<input type="hidden" name="_xsrf" value="tok">' in form[0]
    assert '<button name="language" value="en" lang="en">English</button>' in form[0]
    assert '<strong lang="fr" aria-current="true">Français</strong>' in form[0]
    assert 'href="/user/amina/voila/render/pricing/apps/price-and-profit.ipynb?lang=fr"' in page

    english = home_page("/user/amina/", "tok", "amina", [COURSE], None, "en", ("en", "fr"))
    assert '<button name="language" value="fr" lang="fr">Français</button>' in english
    assert "price-and-profit.ipynb?lang=en" in english


def test_my_courses_is_in_the_chosen_language():
    """Its own words come from the isoko-learner catalogue; the course's own names stay."""
    a01 = AssignmentState("pricing", "a01")
    course = CourseState(COURSE.slug, COURSE.lessons, COURSE.apps, [a01])
    french = home_page("/user/amina/", "tok", "amina", [course], None, "fr", ("en", "fr"))
    assert '<html lang="fr">' in french
    assert "<title>Mes cours</title>" in french and "<h1>Mes cours</h1>" in french
    assert "<h3>Leçons</h3>" in french and "<h3>Applications</h3>" in french
    assert ">Récupérer</button>" in french and "Prêt à récupérer." in french
    assert "Se déconnecter" in french
    # An app is named by the catalog's title, in French; a course's own lesson stays.
    assert ">Prix et bénéfice</a>" in french and ">Lesson 1</a>" in french
    assert not re.search(r">(My courses|Lessons|Apps|Fetch|Log out)<", french)

    english = home_page("/user/amina/", "tok", "amina", [course], None, "en", ("en", "fr"))
    assert '<html lang="en">' in english and "<h1>My courses</h1>" in english
    assert ">Fetch</button>" in english and "Mes cours" not in english
    assert ">Price and profit</a>" in english


def test_an_app_of_no_catalog_entry_keeps_its_notebooks_title():
    course = CourseState("pricing", apps=[Item("my own app", "pricing/apps/mine.ipynb")])
    page = home_page("/user/amina/", "tok", "amina", [course], None, "fr", ("en", "fr"))
    assert ">my own app</a>" in page


class FakeAssignmentList:
    """nbgrader's assignment list of a learner with one released assignment, a01."""

    def __init__(self):
        self.fetched = False

    def list_assignments(self, course_id):
        entry = {"assignment_id": "a01", "status": "released"}
        if self.fetched:
            entry = {**entry, "status": "fetched", "notebooks": [{"path": "pricing/a01/nb.ipynb"}]}
        return {"success": True, "value": [entry]}

    def fetch_assignment(self, course, assignment):
        self.fetched = True
        return {"success": True, "value": ""}


def test_what_a_step_says_is_in_the_chosen_language(tmp_path: Path):
    french = Coursework(FakeAssignmentList(), tmp_path, None, translator("fr"))
    fetched = french.fetch("pricing", "a01")
    assert (fetched.title, fetched.lines) == (
        "a01 est maintenant dans votre dossier.",
        ["Ouvrez-le, travaillez-le, puis Validez."],
    )
    again = french.fetch("pricing", "a01")
    assert again.title == "a01 est déjà dans votre dossier."
    english = Coursework(FakeAssignmentList(), tmp_path, None)
    assert english.fetch("pricing", "a01").title == "a01 is in your folder now."
    assert english.submit("pricing", "a02").title == ("Fetch a02 and work it before you submit it.")
