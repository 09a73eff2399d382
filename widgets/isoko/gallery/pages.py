"""The gallery's own pages: the index, "busy", and "no such simulator".

Plain HTML with its style inline: no script, no font, nothing from elsewhere, a few
kilobytes, readable on a 360-pixel phone. The pictures are the charts themselves (SVG,
written by :mod:`isoko.gallery.folder`), inline, so the index is one request.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from isoko.gallery import messages
from isoko.gallery.folder import pictures_dir
from isoko.sims.registry import SimEntry

STYLE = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:#1b1b1b;background:#f6f7f9}
header,main{max-width:1100px;margin:0 auto;padding:12px 16px}
header h1{font-size:1.5em;margin:.2em 0}
nav.isoko-languages a,nav.isoko-languages strong{margin-right:.8em}
.isoko-cards{display:grid;gap:16px;grid-template-columns:repeat(auto-fill,minmax(min(100%,300px),1fr))}
.isoko-card{background:#fff;border:1px solid #d9dde3;border-radius:10px;padding:12px;
overflow:hidden;display:flex;flex-direction:column}
.isoko-card h2{font-size:1.15em;margin:.1em 0 .2em}
.isoko-card .isoko-course{color:#55606e;font-size:.9em;margin:0}
.isoko-card .isoko-question{margin:.4em 0}
.isoko-card .isoko-task{margin:.4em 0;font-size:.95em}
.isoko-picture{max-width:100%;overflow:hidden;margin:.3em 0}
.isoko-picture svg{max-width:100%;height:auto}
a.isoko-open{display:inline-block;margin-top:auto;padding:.55em 1em;border-radius:8px;
background:#1f4e79;color:#fff;text-decoration:none;font-weight:600;text-align:center}
a{color:#1f4e79}
.isoko-also{margin:.5em 0 0;font-size:.9em}
"""


def _page(language: str, title: str, body: str, body_attributes: str = "") -> str:
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body{body_attributes}>{body}</body></html>\n"
    )


def index_url(base_url: str, language: str, languages: Sequence[str]) -> str:
    """The index in ``language``: the base URL itself for the first (English)."""
    return base_url if language == languages[0] else f"{base_url}{language}/"


def app_url(base_url: str, language: str, entry: SimEntry) -> str:
    return f"{base_url}{language}/{entry.id}"


def language_links(base_url: str, language: str, languages: Sequence[str], path: str = "") -> str:
    """Each language's version of this page; the current one not a link."""
    links = []
    for other in languages:
        name = escape(messages.language_name(other))
        if other == language:
            links.append(f'<strong aria-current="page">{name}</strong>')
        else:
            href = f"{base_url}{other}/{path}" if path else index_url(base_url, other, languages)
            links.append(f'<a href="{escape(href)}" hreflang="{escape(other)}">{name}</a>')
    return f'<nav class="isoko-languages">{"".join(links)}</nav>'


def other_languages(base_url: str, language: str, languages: Sequence[str], entry: SimEntry) -> str:
    """Links to the same app in every other language, each named in itself."""
    links = [
        f'<a href="{escape(app_url(base_url, other, entry))}" hreflang="{escape(other)}">'
        f"{escape(messages.language_name(other))}</a>"
        for other in languages
        if other != language
    ]
    return f'<p class="isoko-also">{" · ".join(links)}</p>' if links else ""


def picture(folder: Path, language: str, entry: SimEntry) -> str:
    path = pictures_dir(folder) / language / f"{entry.id}.html"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def task_line(_, entry: SimEntry) -> str:
    """The learner's task with the app, under its question (nothing if it has none)."""
    if not entry.task:
        return ""
    label = escape(_(messages.YOUR_TASK))
    return f'<p class="isoko-task"><b>{label}</b> {escape(_(entry.task))}</p>'


def index_page(
    base_url: str,
    language: str,
    languages: Sequence[str],
    entries: Sequence[SimEntry],
    folder: Path,
) -> str:
    """Every simulator: title, course, the seller's question, its chart, one link."""
    _ = messages.translator(language)
    cards = []
    for entry in entries:
        course = _(messages.COURSE_NAMES.get(entry.course, entry.course))
        cards.append(
            f'<article class="isoko-card" data-sim="{escape(entry.id)}">'
            f"<h2>{escape(_(entry.title))}</h2>"
            f'<p class="isoko-course">{escape(_(messages.COURSE).format(course=course))}</p>'
            f'<p class="isoko-question">{escape(_(entry.question))}</p>'
            f"{task_line(_, entry)}"
            f'<div class="isoko-picture" aria-hidden="true">'
            f"{picture(folder, language, entry)}</div>"
            f'<a class="isoko-open" href="{escape(app_url(base_url, language, entry))}">'
            f"{escape(_(messages.OPEN_APP))}</a>"
            f"{other_languages(base_url, language, languages, entry)}</article>"
        )
    body = (
        f"<header>{language_links(base_url, language, languages)}"
        f"<h1>{escape(_(messages.GALLERY_TITLE))}</h1>"
        f"<p>{escape(_(messages.GALLERY_INTRO))}</p></header>"
        f'<main><div class="isoko-cards">{"".join(cards)}</div></main>'
    )
    return _page(language, _(messages.GALLERY_TITLE), body)


def _notice_page(
    language: str,
    title: str,
    text: str,
    action: tuple[str, str],
    *,
    header: str = "",
    more: str = "",
    busy: bool = False,
) -> str:
    """A short page: a heading, a sentence, one button; ``more`` after it. A busy page is
    marked (``data-isoko-busy``) for the tests and the benchmark."""
    href, label = action
    body = (
        f"<header>{header}<h1>{escape(title)}</h1></header>"
        f"<main><p>{escape(text)}</p>"
        f'<p><a class="isoko-open" href="{escape(href)}">{escape(label)}</a></p>'
        f"{more}</main>"
    )
    return _page(language, title, body, " data-isoko-busy" if busy else "")


def busy_page(base_url: str, language: str, languages: Sequence[str], path: str) -> str:
    """Past the cap: a friendly page, in the visitor's language, with the way back."""
    _ = messages.translator(language)
    index = index_url(base_url, language, languages)
    return _notice_page(
        language,
        _(messages.BUSY_TITLE),
        _(messages.BUSY_TEXT),
        (f"{base_url}{path}", _(messages.TRY_AGAIN)),
        header=language_links(base_url, language, languages, path.partition("/")[2]),
        more=f'<p><a href="{escape(index)}">{escape(_(messages.ALL_SIMULATORS))}</a></p>',
        busy=True,
    )


def not_found_page(base_url: str, language: str, languages: Sequence[str]) -> str:
    _ = messages.translator(language)
    return _notice_page(
        language,
        _(messages.NOT_FOUND_TITLE),
        _(messages.NOT_FOUND_TEXT),
        (index_url(base_url, language, languages), _(messages.ALL_SIMULATORS)),
    )


#: Voilà's "loading" block, shown until its scripts have loaded the page's theme and
#: show the cells (then removed).
LOADING_BLOCK = '<div id="loading" style="display: flex;">'
#: Voilà's template writes this whatever the notebook's language.
VOILA_HTML_OPENING = '<html lang="en">'
#: The picture stands in for Voilà's spinner while the scripts come.
PREVIEW_STYLE = (
    "<style>.isoko-preview{width:100%;max-width:720px;padding:0 8px}"
    ".isoko-preview svg{max-width:100%;height:auto}"
    ".isoko-preview p{color:#55606e;font-size:.9em;margin:.3em 0}"
    "#loading:has(.isoko-preview){justify-content:flex-start;height:auto}"
    "#loading:has(.isoko-preview) .spinner-container,"
    "#loading:has(.isoko-preview) #loading_text{display:none}</style>"
)


def preview(folder: Path, language: str, entry: SimEntry) -> str:
    """The app's chart at its starting values, shown in place of Voilà's spinner while a
    slow phone fetches the page's scripts (about 1 MB): the chart a visitor first sees is
    the app's own, drawn by the server; it goes when Voilà shows the app."""
    _ = messages.translator(language)
    return (
        f'{PREVIEW_STYLE}<div class="isoko-preview">'
        f'<h2 style="font-size:1.2em;margin:.4em 0">{escape(_(entry.title))}</h2>'
        f"{picture(folder, language, entry)}<p>{escape(_(messages.PREVIEW_NOTE))}</p></div>"
    )


def app_page_edits(language: str, preview_html: str) -> list[tuple[str, str]]:
    """What the gallery changes in Voilà's page, each once: the page's language, and the
    picture in the loading block."""
    return [
        (VOILA_HTML_OPENING, f'<html lang="{escape(language)}">'),
        (LOADING_BLOCK, LOADING_BLOCK + preview_html),
    ]


def edit_once(html: str, edits: list[tuple[str, str]]) -> tuple[str, list[tuple[str, str]]]:
    """Apply each edit whose text is in ``html`` (once); the edits not applied yet."""
    left = []
    for old, new in edits:
        if old in html:
            html = html.replace(old, new, 1)
        else:
            left.append((old, new))
    return html, left
