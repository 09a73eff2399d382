"""A hostile learner notebook rendered as the instructor sees it: nbgrader's own
submission and feedback templates, with the grader's exporter settings read back from
the config file the hub writes."""

from __future__ import annotations

import base64
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from nbgrader.server_extensions.formgrader import handlers as formgrader_handlers
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from isoko.courses import learner_html
from isoko.hub import server_config
from isoko.platform.settings import Settings

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = formgrader_handlers.template_path
#: nbgrader's feedback inlines Bootstrap's CSS from here (as ``GenerateFeedback`` does).
BOOTSTRAP_CSS = str(
    Path(formgrader_handlers.static_path, "node_modules", "bootstrap", "dist", "css")
)

SVG_WITH_SCRIPT = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
    '<script>window.__pwned = "svg"</script><rect width="40" height="20" fill="teal"/></svg>'
)
HOSTILE_HTML = (
    '<p class="answer">Profit at 12 USD</p>'
    "<table><thead><tr><th>price</th></tr></thead><tbody><tr><td>12</td></tr></tbody></table>"
    '<script>window.__pwned = "script"</script>'
    '<img src="x" onerror="window.__pwned = \'onerror\'">'
    '<img src="http://127.0.0.2/beacon.png"><img src="//127.0.0.2/beacon.png">'
    "<a href=\"javascript:window.__pwned = 'link'\">details</a>"
    '<iframe src="javascript:parent.__pwned = 1"></iframe>'
    '<base href="http://127.0.0.2/">'
    '<input id="answer-grade" name="answer-grade" value="10">'
    '<div style="position:fixed;top:0">over the controls</div>'
)
HOSTILE_MARKDOWN = (
    "My answer: **profit is highest at 12 USD**.\n\n"
    "| price | profit |\n|---|---|\n| 12 | 3400 |\n\n"
    '<script>window.__pwned = "markdown"</script>\n\n'
    '<img src="x" onerror="window.__pwned = \'md-onerror\'">\n\n'
    "[click me](javascript:window.__pwned='md-link')\n\n"
    "![chart](attachment:chart.svg)\n"
)
#: One teal pixel.
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA"
    "60e6kgAAAABJRU5ErkJggg=="
)


def live_script(soup: BeautifulSoup) -> list[str]:
    """Every element of ``soup`` through which a script could run (text does not)."""
    found = [str(tag)[:80] for tag in soup.find_all(["script", "iframe", "object", "embed"])]
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower().startswith("on") or value.strip().lower().startswith("javascript:"):
                found.append(str(tag)[:80])
    return found


def hostile_notebook() -> nbformat.NotebookNode:
    answer = new_code_cell(
        "display(HTML(...))",
        metadata={
            "nbgrader": {
                "grade": True,
                "solution": True,
                "grade_id": 'profit"><img src=x onerror=window.__pwned=1>',
                "points": 2,
                # What nbgrader's GetGrades adds for the feedback.
                "score": 1,
                "comment": "Good, but see the fees.",
            }
        },
        outputs=[
            new_output("display_data", data={"text/html": HOSTILE_HTML, "text/plain": "<HTML>"}),
            new_output(
                "display_data",
                data={"application/javascript": "window.__pwned = 'js'", "text/plain": "js"},
            ),
            new_output(
                "display_data",
                data={"text/markdown": "**bold** <img src=x onerror=window.__pwned=2>"},
            ),
            new_output("display_data", data={"image/svg+xml": SVG_WITH_SCRIPT}),
            new_output(
                "display_data",
                data={"image/png": PNG},
                metadata={"filenames": {"image/png": "javascript:alert(1)"}},
            ),
            new_output("stream", name="stdout", text="<script>window.__pwned='stdout'</script>"),
        ],
    )
    written = new_markdown_cell(
        HOSTILE_MARKDOWN,
        metadata={
            "nbgrader": {
                **{"grade": True, "solution": True, "grade_id": "why", "points": 1},
                **{"score": 0, "comment": None},
            }
        },
        attachments={
            "chart.svg": {"image/svg+xml": base64.b64encode(SVG_WITH_SCRIPT.encode()).decode()}
        },
    )
    nb = new_notebook(cells=[answer, written])
    nb.metadata["language_info"] = {"name": "python"}
    return nb


@pytest.fixture
def grader_config(tmp_path, monkeypatch) -> Config:
    """The HTMLExporter settings a grader's nbgrader reads, from the file the hub writes."""
    s = Settings.from_environ(
        checkout=REPO, environ={"ISOKO_SYSTEM_DIR": str(tmp_path / "system")}, as_root=True
    )
    server_config.write_server_configs(s)
    return PyFileConfigLoader("nbgrader_config.py", str(s.grader_config_dir)).load_config()


def render(config: Config, template: str, resources: dict | None = None) -> str:
    config = Config(config)
    config.HTMLExporter.template_name = template
    config.HTMLExporter.extra_template_basedirs = [TEMPLATES]
    config.HTMLExporter.extra_template_paths = [BOOTSTRAP_CSS]
    exporter = HTMLExporter(config=config)
    base = {
        "base_url": "/services/pricing",
        "submission_id": "abc",
        "notebook_id": "pricing-basics",
        "assignment_id": "a01",
        "index": 0,
        "total": 1,
        "notebook_path": "autograded/x.ipynb",
        "student": "learner1",
        "first_name": "<script>window.__pwned='first'</script>",
        "last_name": "<img src=x onerror=window.__pwned='last'>",
        "nbgrader": {"notebook": "pricing-basics", "score": 1, "max_score": 3, "late_penalty": 0},
    }
    html, _ = exporter.from_notebook_node(
        hostile_notebook(), resources={**base, **(resources or {})}
    )
    return html


def learner_part(html: str) -> str:
    """The page from the notebook on (and the student's names in the header)."""
    start = html.index('id="notebook-container"')
    return html[start:]


def test_grader_config_swaps_in_the_cleaning_pieces(grader_config):
    exporter = grader_config.HTMLExporter
    assert exporter.sanitize_html is True
    assert exporter.skip_svg_encoding is False
    assert exporter.filters["markdown2html"] == "isoko.courses.learner_html.markdown2html"
    assert exporter.filters["clean_html"] == "isoko.courses.learner_html.clean_html"
    assert exporter.preprocessors == ["isoko.courses.learner_html.LearnerOutputs"]


@pytest.mark.parametrize("template", ["formgrade", "feedback"])
def test_no_learner_script_survives_in_submission_or_feedback(grader_config, template):
    html = render(grader_config, template)
    soup = BeautifulSoup(learner_part(html), "html.parser")
    assert not live_script(soup), live_script(soup)
    outputs = soup.select(".output_subarea, .text_cell_render")
    assert outputs
    for output in outputs:
        assert not output.find(["base", "input"]), "a learner's element could shadow the form"
        assert not output.select("[style], [id], [name]"), output


def test_names_in_the_submission_header_are_text(grader_config):
    html = render(grader_config, "formgrade")
    header = html[: html.index('id="notebook-container"')]
    assert "&lt;script&gt;window.__pwned='first'" in header
    assert "<img src=x" not in header


@pytest.mark.parametrize("template", ["formgrade", "feedback"])
def test_what_the_instructor_grades_stays_readable(grader_config, template):
    soup = BeautifulSoup(learner_part(render(grader_config, template)), "html.parser")
    text = soup.get_text()
    assert "Profit at 12 USD" in text and "profit is highest at 12 USD" in text
    # The hostile parts are shown as text, so the instructor sees what was tried.
    assert 'window.__pwned = "script"' in text
    assert soup.select("table th") and soup.select("table td"), "tables must stay tables"
    assert soup.find("strong")
    images = [img.get("src", "") for img in soup.find_all("img")]
    assert any(src.startswith("data:image/png;base64,") for src in images)
    # The learner's SVG chart (output and attachment) is drawn as an image, never inline.
    assert sum(src.startswith("data:image/svg+xml;base64,") for src in images) == 2
    assert not soup.find("svg")


def test_without_the_grader_settings_the_learner_script_reaches_the_page():
    """The attack is real: nbgrader's exporter as it comes runs the learner's script."""
    html = learner_part(render(Config(), "formgrade"))
    assert '<script>window.__pwned = "script"</script>' in html
    assert "onerror=\"window.__pwned = 'md-onerror'\"" in html


def test_clean_html_keeps_reading_and_drops_script():
    cleaned = learner_html.clean_html(HOSTILE_HTML)
    assert "<th>price</th>" in cleaned and '<p class="answer">' in cleaned
    soup = BeautifulSoup(cleaned, "html.parser")
    assert not live_script(soup), live_script(soup)
    assert not soup.select("[style], [id], [name], base, input")
    sources = [img.get("src") for img in soup.find_all("img")]
    assert sources == ["x", None, None], "an image from another host tells when one looks"
