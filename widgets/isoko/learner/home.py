"""The learner's course page: lessons, apps and assignments, one button per step.

Its words are in the learner's language, through gettext (the domain :data:`DOMAIN`,
``locale/<lang>/LC_MESSAGES/isoko-learner.po``): each function takes the ``_`` of that
language, English (``str``) by default.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from urllib.parse import quote

from isoko import i18n
from isoko.i18n import LANGUAGE_PARAMETER, SHARED_DOMAIN, SOURCE_LANGUAGE, native_name
from isoko.learner.coursework import AssignmentState, CourseState, Item, Note
from isoko.learner.page import document
from isoko.sims.registry import catalog

#: The gettext domain of the learner's pages.
DOMAIN = "isoko-learner"

#: A gettext ``_``: an English message in, the learner's words out.
Translate = Callable[[str], str]


def translator(language: str) -> Translate:
    """The ``_`` of the learner's pages in ``language`` (English where a message has
    no translation yet)."""
    return i18n.translator(DOMAIN, language)


def note_html(note: Note | None) -> str:
    if note is None:
        return ""
    lines = "".join(f"<li>{escape(line)}</li>" for line in note.lines)
    return (
        f'<section class="note {escape(note.kind)}" id="note" role="status">'
        f"<strong>{escape(note.title)}</strong>{f'<ul>{lines}</ul>' if lines else ''}</section>"
    )


def anchor(course: str, assignment: str) -> str:
    return f"a-{course}-{assignment}"


def _path(base_url: str, *parts: str) -> str:
    return base_url + "/".join(quote(part) for part in parts)


def action_form(base_url: str, xsrf: str, state: AssignmentState, action: str, label: str) -> str:
    """A step's button (``label`` is shown as given, already translated)."""
    target = _path(base_url, "learn", state.course, state.id, action)
    plain = "" if action in ("fetch", "submit") else ' class="plain"'
    return (
        f'<form method="post" action="{escape(target)}">'
        f'<input type="hidden" name="_xsrf" value="{escape(xsrf)}">'
        f"<button{plain}>{escape(label)}</button></form>"
    )


def status_text(state: AssignmentState, _: Translate = str) -> str:
    if state.status == "submitted":
        text = _("Submitted {when}.").format(when=state.submitted_at)
        if state.feedback_files:
            then = _("Feedback is here.")
        elif state.feedback_released:
            then = _("Feedback is ready.")
        else:
            then = _("Not graded yet.")
        return f"{text} {then}"
    if state.fetched:
        return _("In your folder. Work it, Validate, then Submit.")
    return _("Ready to fetch.")


def assignment_html(
    base_url: str, xsrf: str, state: AssignmentState, note: Note | None = None, _: Translate = str
) -> str:
    buttons = []
    if not state.fetched:
        buttons.append(action_form(base_url, xsrf, state, "fetch", _("Fetch")))
    for path in state.notebooks:
        name = path.rsplit("/", 1)[-1]
        label = _("Open") if len(state.notebooks) == 1 else _("Open {name}").format(name=name)
        href = _path(base_url, "notebooks", *path.split("/"))
        buttons.append(f'<a class="button plain" href="{escape(href)}">{escape(label)}</a>')
    if state.fetched:
        buttons.append(action_form(base_url, xsrf, state, "validate", _("Validate")))
        buttons.append(action_form(base_url, xsrf, state, "submit", _("Submit")))
    if state.status == "submitted":
        buttons.append(action_form(base_url, xsrf, state, "feedback", _("Feedback")))
    return (
        f'<section id="{escape(anchor(state.course, state.id))}" class="assignment">'
        f'<h3>{escape(state.id)}</h3><p class="state">{escape(status_text(state, _))}</p>'
        f'<div class="actions">{"".join(buttons)}</div>{note_html(note)}</section>'
    )


def links_html(title: str, links: list[tuple[str, str]]) -> str:
    if not links:
        return ""
    rows = "".join(f'<li><a href="{escape(href)}">{escape(text)}</a></li>' for text, href in links)
    return f'<section class="card"><h3>{escape(title)}</h3><ul class="links">{rows}</ul></section>'


def app_url(base_url: str, path: str, language: str) -> str:
    """An app in the learner's Voilà, in ``language`` (``?lang=fr``): the simulator
    reads it from the page's query string (:func:`isoko.i18n.requested_language`)."""
    app = _path(base_url, "voila", "render", *path.split("/"))
    return f"{app}?{LANGUAGE_PARAMETER}={quote(language)}"


def app_title(item: Item, language: str) -> str:
    """The title the catalog gives the app at ``item.path`` (its file is named by the
    simulator's id), in ``language`` (titles are in the simulators' shared catalogue);
    an app of no catalog entry keeps the title of its notebook."""
    entry = next((e for e in catalog() if item.path.endswith(f"/apps/{e.id}.ipynb")), None)
    return i18n.translator(SHARED_DOMAIN, language)(entry.title) if entry else item.title


def course_html(
    base_url: str,
    xsrf: str,
    course: CourseState,
    note: Note | None = None,
    language: str = SOURCE_LANGUAGE,
    _: Translate = str,
) -> str:
    lessons = [
        (item.title, _path(base_url, "notebooks", *item.path.split("/"))) for item in course.lessons
    ]
    apps = [
        (app_title(item, language), app_url(base_url, item.path, language)) for item in course.apps
    ]
    parts = [f'<h2 id="c-{escape(course.slug)}">{escape(course.title)}</h2>']
    parts.append(links_html(_("Lessons"), lessons))
    parts.append(links_html(_("Apps"), apps))
    assignments = _("Assignments")
    parts.append(f'<h3 class="small">{escape(assignments)}</h3>')
    if course.problem:
        parts.append(f'<p class="msg">{escape(course.problem)}</p>')
    elif not course.assignments:
        none_yet = _("No assignment has been released yet.")
        parts.append(f"<p>{escape(none_yet)}</p>")
    parts.extend(
        assignment_html(base_url, xsrf, state, note if _placed(note, state) else None, _)
        for state in course.assignments
    )
    return "".join(parts)


def _placed(note: Note | None, state: AssignmentState) -> bool:
    return note is not None and note.where == anchor(state.course, state.id)


def language_switch_html(
    base_url: str, xsrf: str, chosen: str, offered: tuple[str, ...] | list[str]
) -> str:
    """One button per language Isoko offers, each named in its own language; the
    chosen one is text. Pressing one posts it to ``learn/language`` (no script)."""
    if len(offered) < 2:
        return ""
    items = []
    for code in offered:
        name = escape(native_name(code))
        if code == chosen:
            items.append(f'<strong lang="{escape(code)}" aria-current="true">{name}</strong>')
        else:
            items.append(
                f'<button name="language" value="{escape(code)}" lang="{escape(code)}">'
                f"{name}</button>"
            )
    target = _path(base_url, "learn", "language")
    return (
        f'<form method="post" action="{escape(target)}" class="languages" '
        'aria-label="Language · Langue">'
        f'<input type="hidden" name="_xsrf" value="{escape(xsrf)}">{" · ".join(items)}</form>'
    )


def header_html(
    base_url: str,
    user: str,
    xsrf: str = "",
    language: str = SOURCE_LANGUAGE,
    offered: tuple[str, ...] | list[str] = (SOURCE_LANGUAGE,),
    _: Translate = str,
) -> str:
    # Messages outside f-strings: the extraction of the catalogues reads no f-string.
    title, hub, log_out = _("My courses"), _("Hub"), _("Log out")
    return (
        f"<h1>{escape(title)}</h1><nav>{escape(user)} · "
        f'<a href="{escape(base_url)}lab">JupyterLab</a> · '
        f'<a href="/hub/home">{escape(hub)}</a> · '
        f'<a href="/hub/logout">{escape(log_out)}</a></nav>'
        + language_switch_html(base_url, xsrf, language, offered)
    )


def home_page(
    base_url: str,
    xsrf: str,
    user: str,
    courses: list[CourseState],
    note: Note | None,
    language: str = SOURCE_LANGUAGE,
    offered: tuple[str, ...] | list[str] = (SOURCE_LANGUAGE,),
) -> str:
    """The learner's home in ``language``, the one they chose (apps open in it too);
    ``offered`` are the languages of the switch."""
    _ = translator(language)
    # A note about an assignment is shown in its section, where the learner pressed
    # the button (the page scrolls there); any other note at the top.
    placed = note is not None and any(
        _placed(note, state) for course in courses for state in course.assignments
    )
    top = "" if placed else note_html(note)
    if courses:
        body = "".join(course_html(base_url, xsrf, course, note, language, _) for course in courses)
    else:
        lines = (
            _("You are not in a course yet."),
            _("Ask your teacher to add you to their course; it appears here once they have."),
        )
        body = '<section class="card">' + "".join(f"<p>{escape(line)}</p>" for line in lines)
        body += "</section>"
    header = header_html(base_url, user, xsrf, language, offered, _)
    return document(_("My courses"), top + body, header, language)


def feedback_choice_page(
    base_url: str, course: str, assignment: str, files: list[str], language: str = SOURCE_LANGUAGE
) -> str:
    _ = translator(language)
    rows = [
        (
            name.rsplit("/", 1)[-1].removesuffix(".html"),
            _path(base_url, "learn", course, assignment, "feedback") + "?notebook=" + quote(name),
        )
        for name in files
    ]
    title = _("Feedback: {assignment}").format(assignment=assignment)
    return document(title, links_html(_("Notebooks"), rows), language=language)
