"""A learner's notebook turned into HTML that cannot run script in the grader's browser.

The formgrader's submission page and nbgrader's feedback are made by nbconvert's
``HTMLExporter`` from the learner's notebook. Left alone, every ``text/html`` or
``application/javascript`` output and every raw tag in a markdown cell reaches the
instructor's page as it was written: a ``<script>`` runs on the hub's origin with the
instructor's cookies. nbconvert's own ``sanitize_html`` switch is not enough here:
nbgrader's templates render markdown cells without it, and its allowlist escapes the
tables, headings and images an instructor needs to read. So the grader's nbgrader
config swaps in the three pieces below (``grader_exporter_config`` says how):

- :func:`clean_html`: an allowlist of what reading needs, no script, no event handler,
  no ``javascript:`` link, no ``id`` or ``name`` that could shadow the grading form.
- :func:`markdown2html`: markdown rendered as nbconvert does, then cleaned.
- :class:`LearnerOutputs`: keeps only outputs that render without script, and makes
  the few strings the templates print raw (student names, grade ids) plain text.
"""

from __future__ import annotations

import html
import re

import bleach
from jinja2 import pass_context
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors import Preprocessor

#: What a learner's answer may use to be readable: text, lists, tables, code, images.
ALLOWED_TAGS = frozenset(
    {
        *("p", "div", "span", "br", "hr", "pre", "code", "kbd", "samp", "var"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "details", "summary"),
        *("em", "strong", "b", "i", "u", "s", "del", "ins", "sub", "sup", "small", "mark"),
        *("abbr", "cite", "q", "dfn", "time", "figure", "figcaption"),
        *("ul", "ol", "li", "dl", "dt", "dd"),
        *("table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"),
        *("a", "img"),
    }
)


def allowed_image_attribute(tag: str, name: str, value: str) -> bool:
    """An image shows the learner's own picture: a data URI or a file handed in beside
    the notebook, never another host (a beacon that tells when the instructor looks)."""
    if name in ("alt", "width", "height"):
        return True
    if name != "src":
        return False
    source = value.strip().lower()
    return source.startswith("data:image/") or not (":" in source or source.startswith("//"))


#: No ``style`` (it could draw over the grading controls), no ``id``/``name`` (they
#: could shadow the form's own elements), no ``on*`` handler.
ALLOWED_ATTRIBUTES = {
    "*": ["class", "title", "lang", "dir"],
    "a": ["href"],
    "img": allowed_image_attribute,
    "th": ["colspan", "rowspan", "scope", "align"],
    "td": ["colspan", "rowspan", "align"],
    "col": ["span"],
    "colgroup": ["span"],
    "ol": ["start", "type"],
}
#: ``data:`` only matters for images (charts the learner drew); a ``data:`` link is
#: blocked by browsers at the top level, and no script scheme is ever kept.
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "data"})

#: Outputs that render without script: text, LaTeX (escaped), bitmaps, and SVG, which
#: nbconvert draws as an ``<img>`` data URI, where an SVG's script never runs.
#: ``text/html`` and ``text/markdown`` are kept but cleaned when rendered.
RENDERABLE_OUTPUTS = frozenset(
    {
        "text/plain",
        "text/latex",
        "text/html",
        "text/markdown",
        "image/png",
        "image/jpeg",
        "image/svg+xml",
    }
)
#: nbgrader's own rule for grade ids (``CheckCellMetadata``); a learner's cell that
#: claims another is shown escaped instead of being printed into an attribute.
GRADE_ID = re.compile(r"^[A-Za-z0-9_\-]+$")
#: Strings nbgrader's submission template prints without escaping.
RAW_RESOURCES = ("student", "first_name", "last_name")


def clean_html(element: str | bytes) -> str:
    """HTML from a learner, reduced to :data:`ALLOWED_TAGS` and their safe attributes.

    Disallowed tags are shown as text, so the instructor sees what was attempted.
    """
    text = element.decode() if isinstance(element, bytes) else str(element)
    return bleach.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=False,
        strip_comments=True,
    )


@pass_context
def markdown2html(context, source: str) -> str:
    """Markdown to HTML as nbconvert renders it (math, attachments), then cleaned."""
    cell = context.get("cell", {})
    renderer = IPythonRenderer(
        escape=False,
        # Attachments become data URIs, as in nbconvert; a script scheme is cleaned away.
        attachments=cell.get("attachments", {}) if hasattr(cell, "get") else {},
    )
    return clean_html(MarkdownWithMath(renderer=renderer).render(source))


class LearnerOutputs(Preprocessor):
    """Keep only outputs that render without script; make raw-printed strings text."""

    def preprocess(self, nb, resources):
        for key in RAW_RESOURCES:
            if isinstance(resources.get(key), str):
                resources[key] = html.escape(resources[key])
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        nbgrader = cell.get("metadata", {}).get("nbgrader")
        if isinstance(nbgrader, dict) and "grade_id" in nbgrader:
            grade_id = str(nbgrader["grade_id"])
            if not GRADE_ID.match(grade_id):
                nbgrader["grade_id"] = html.escape(grade_id)
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                self._keep_renderable(output)
        return cell, resources

    @staticmethod
    def _keep_renderable(output) -> None:
        # Only the grader extracts files from outputs; a learner's file names would
        # point the page at any URL of the hub.
        output.pop("svg_filename", None)
        metadata = output.get("metadata")
        if isinstance(metadata, dict):
            metadata.pop("filenames", None)
        data = output.get("data")
        if isinstance(data, dict):
            for mimetype in [m for m in data if m not in RENDERABLE_OUTPUTS]:
                del data[mimetype]


def grader_exporter_config() -> dict:
    """The ``HTMLExporter`` settings of every grader: formgrader pages and feedback."""
    module = __name__
    return {
        # Also hides nbconvert's script blocks (javascript, widgets) in its templates.
        "sanitize_html": True,
        # SVG as an <img> data URI: drawn, never scripted.
        "skip_svg_encoding": False,
        "filters": {
            "markdown2html": f"{module}.markdown2html",
            "clean_html": f"{module}.clean_html",
        },
        "preprocessors": [f"{module}.LearnerOutputs"],
    }
