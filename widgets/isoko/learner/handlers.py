"""Tornado handlers of the learner's home: pages by GET, every step by a POST with XSRF."""

from __future__ import annotations

import asyncio
import os
import secrets
from html import escape
from pathlib import Path
from urllib.parse import quote

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

from isoko import i18n
from isoko.courses.nbgrader_on_first_use import assignment_list_manager
from isoko.learner.coursework import Coursework, Note
from isoko.learner.home import anchor, feedback_choice_page, home_page, translator
from isoko.learner.language import (
    UnknownLanguage,
    choose_language,
    chosen_language,
    lab_settings_dir,
)
from isoko.learner.page import CSP, document

#: Notes waiting to be shown after a redirect; a learner has few at a time.
MOST_NOTES = 20
_NAME = r"[A-Za-z0-9][A-Za-z0-9_.-]*"


class LearnerHandler(JupyterHandler):
    @property
    def content_security_policy(self) -> str:
        return CSP

    @property
    def coursework(self) -> Coursework:
        manager = assignment_list_manager(self.settings)
        if manager is None:
            raise web.HTTPError(503, "nbgrader's assignment list is not loaded in this server")
        root = Path(self.settings["server_root_dir"]).expanduser()
        return Coursework(manager, root, self.log, translator(self.language))

    @property
    def notes(self) -> dict[str, Note]:
        return self.settings.setdefault("isoko_learner_notes", {})

    def home_url(self, note: Note | None = None, course: str = "", assignment: str = "") -> str:
        url = url_path_join(self.base_url, "learn")
        if note is not None:
            note.where = anchor(course, assignment) if course else ""
            while len(self.notes) >= MOST_NOTES:
                self.notes.pop(next(iter(self.notes)))
            key = secrets.token_urlsafe(9)
            self.notes[key] = note
            url += f"?note={key}"
        return url + (f"#{anchor(course, assignment)}" if course else "")

    def user_name(self) -> str:
        return os.environ.get("JUPYTERHUB_USER", "") or str(self.current_user.username)

    @property
    def lab_settings_dir(self) -> Path:
        """The learner's JupyterLab user settings (in their home), where the language is."""
        from jupyterlab.commands import get_user_settings_dir

        apps = self.serverapp.extension_manager.extension_apps if self.serverapp else {}
        return lab_settings_dir(apps, Path(get_user_settings_dir()))

    @property
    def language(self) -> str:
        """The language the learner chose (English until they choose)."""
        return chosen_language(self.lab_settings_dir)


class HomeHandler(LearnerHandler):
    @web.authenticated
    async def get(self):
        note = self.notes.pop(self.get_argument("note", ""), None)
        coursework = self.coursework
        courses = [coursework.course(slug) for slug in coursework.course_ids()]
        offered, language = i18n.languages(), self.language
        self.set_header("Cache-Control", "no-store")
        self.finish(
            home_page(
                self.base_url,
                self.xsrf_token.decode(),
                self.user_name(),
                courses,
                note,
                language,
                offered,
            )
        )


class LanguageHandler(LearnerHandler):
    """The learner's language, chosen once: written as JupyterLab's own setting."""

    @web.authenticated
    async def post(self):
        language = self.get_body_argument("language", "")
        try:
            await asyncio.to_thread(choose_language, self.lab_settings_dir, language)
        except UnknownLanguage as refusal:
            self.set_status(400)
            self.set_header("Cache-Control", "no-store")
            back = url_path_join(self.base_url, "learn")
            return self.finish(
                document(
                    "Language not changed",
                    f'<section class="note bad" role="alert"><strong>{escape(str(refusal))}'
                    f'</strong></section><p><a href="{escape(back)}">Back to My courses</a></p>',
                )
            )
        _ = translator(language)
        note = Note(
            "good",
            _("{language}: JupyterLab and the apps now open in this language.").format(
                language=i18n.native_name(language)
            ),
            [_("A JupyterLab tab already open changes when it is reloaded.")],
        )
        self.redirect(self.home_url(note))


#: One step at a time: nbgrader's steps change the working directory of the process.
_STEP_LOCK = asyncio.Lock()


class ActionHandler(LearnerHandler):
    """Fetch, Validate or Submit, then back to the course page with what happened."""

    @web.authenticated
    async def post(self, course: str, assignment: str, action: str):
        coursework = self.coursework
        if course not in coursework.course_ids():
            raise web.HTTPError(404, "You are not in this course")
        async with _STEP_LOCK:
            note = await asyncio.to_thread(getattr(coursework, action), course, assignment)
        self.redirect(self.home_url(note, course, assignment))


def feedback_url(base_url: str, course: str, assignment: str) -> str:
    return url_path_join(base_url, "learn", quote(course), quote(assignment), "feedback")


class FeedbackHandler(LearnerHandler):
    """POST: bring the released feedback home (or say why there is none); GET: read it."""

    @web.authenticated
    async def post(self, course: str, assignment: str):
        coursework = self.coursework
        if course not in coursework.course_ids():
            raise web.HTTPError(404, "You are not in this course")
        async with _STEP_LOCK:
            note, state = await asyncio.to_thread(coursework.fetch_feedback, course, assignment)
        if state is None:
            return self.redirect(self.home_url(note, course, assignment))
        self.redirect(feedback_url(self.base_url, course, assignment))

    @web.authenticated
    async def get(self, course: str, assignment: str):
        coursework = self.coursework
        state = (
            coursework.assignment(course, assignment) if course in coursework.course_ids() else None
        )
        if state is None or not state.feedback_files:
            _ = coursework._
            none_here = _("No feedback for {assignment} here yet.").format(assignment=assignment)
            note = Note("info", none_here, [_("Press Feedback to fetch it.")])
            return self.redirect(self.home_url(note, course, assignment))
        self.set_header("Cache-Control", "no-store")
        chosen = self.get_argument("notebook", "")
        if not chosen and len(state.feedback_files) > 1:
            return self.finish(
                feedback_choice_page(
                    self.base_url, course, assignment, state.feedback_files, self.language
                )
            )
        name = chosen or state.feedback_files[0]
        if name not in state.feedback_files:
            raise web.HTTPError(404)
        root = Path(self.settings["server_root_dir"]).expanduser().resolve()
        path = (root / name).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise web.HTTPError(404)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(path.read_bytes())


def handlers(base_url: str) -> list[tuple[str, type]]:
    learn = url_path_join(base_url, "learn")
    return [
        (rf"{learn}/?", HomeHandler),
        (rf"{learn}/language", LanguageHandler),
        (rf"{learn}/({_NAME})/({_NAME})/feedback", FeedbackHandler),
        (rf"{learn}/({_NAME})/({_NAME})/(fetch|validate|submit)", ActionHandler),
    ]
