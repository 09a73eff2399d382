"""The learner's course page: lessons, apps and assignments, one button per step."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from isoko.i18n import LANGUAGE_PARAMETER, SOURCE_LANGUAGE, native_name
from isoko.learner.coursework import AssignmentState, CourseState, Note
from isoko.learner.page import document


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
    target = _path(base_url, "learn", state.course, state.id, action)
    plain = "" if action in ("fetch", "submit") else ' class="plain"'
    return (
        f'<form method="post" action="{escape(target)}">'
        f'<input type="hidden" name="_xsrf" value="{escape(xsrf)}">'
        f"<button{plain}>{escape(label)}</button></form>"
    )


def status_text(state: AssignmentState) -> str:
    if state.status == "submitted":
        text = f"Submitted {state.submitted_at}."
        if state.feedback_files:
            return text + " Feedback is here."
        return text + (" Feedback is ready." if state.feedback_released else " Not graded yet.")
    if state.fetched:
        return "In your folder. Work it, Validate, then Submit."
    return "Ready to fetch."


def assignment_html(
    base_url: str, xsrf: str, state: AssignmentState, note: Note | None = None
) -> str:
    buttons = []
    if not state.fetched:
        buttons.append(action_form(base_url, xsrf, state, "fetch", "Fetch"))
    for path in state.notebooks:
        label = "Open" if len(state.notebooks) == 1 else f"Open {path.rsplit('/', 1)[-1]}"
        href = _path(base_url, "notebooks", *path.split("/"))
        buttons.append(f'<a class="button plain" href="{escape(href)}">{escape(label)}</a>')
    if state.fetched:
        buttons.append(action_form(base_url, xsrf, state, "validate", "Validate"))
        buttons.append(action_form(base_url, xsrf, state, "submit", "Submit"))
    if state.status == "submitted":
        buttons.append(action_form(base_url, xsrf, state, "feedback", "Feedback"))
    return (
        f'<section id="{escape(anchor(state.course, state.id))}" class="assignment">'
        f'<h3>{escape(state.id)}</h3><p class="state">{escape(status_text(state))}</p>'
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


def course_html(
    base_url: str,
    xsrf: str,
    course: CourseState,
    note: Note | None = None,
    language: str = SOURCE_LANGUAGE,
) -> str:
    lessons = [
        (item.title, _path(base_url, "notebooks", *item.path.split("/"))) for item in course.lessons
    ]
    apps = [(item.title, app_url(base_url, item.path, language)) for item in course.apps]
    parts = [f'<h2 id="c-{escape(course.slug)}">{escape(course.title)}</h2>']
    parts.append(links_html("Lessons", lessons))
    parts.append(links_html("Apps", apps))
    parts.append('<h3 class="small">Assignments</h3>')
    if course.problem:
        parts.append(f'<p class="msg">{escape(course.problem)}</p>')
    elif not course.assignments:
        parts.append("<p>No assignment has been released yet.</p>")
    parts.extend(
        assignment_html(base_url, xsrf, state, note if _placed(note, state) else None)
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
) -> str:
    return (
        f"<h1>My courses</h1><nav>{escape(user)} · "
        f'<a href="{escape(base_url)}lab">JupyterLab</a> · '
        '<a href="/hub/home">Hub</a> · <a href="/hub/logout">Log out</a></nav>'
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
    """The learner's home; ``language`` is the one they chose (apps open in it),
    ``offered`` the languages of the switch."""
    # A note about an assignment is shown in its section, where the learner pressed
    # the button (the page scrolls there); any other note at the top.
    placed = note is not None and any(
        _placed(note, state) for course in courses for state in course.assignments
    )
    top = "" if placed else note_html(note)
    if courses:
        body = "".join(course_html(base_url, xsrf, course, note, language) for course in courses)
    else:
        body = (
            '<section class="card"><p>You are not in a course yet.</p>'
            "<p>Ask your teacher to add you to their course; it appears here once they "
            "have.</p></section>"
        )
    header = header_html(base_url, user, xsrf, language, offered)
    return document("My courses", top + body, header)


def feedback_choice_page(base_url: str, course: str, assignment: str, files: list[str]) -> str:
    rows = [
        (
            name.rsplit("/", 1)[-1].removesuffix(".html"),
            _path(base_url, "learn", course, assignment, "feedback") + "?notebook=" + quote(name),
        )
        for name in files
    ]
    return document(f"Feedback: {assignment}", links_html("Notebooks", rows))
