"""Courses on the hub: joining with a code, sign-ups waiting for a course, course pages.

Membership of the hub group ``nbgrader-<course>`` *is* enrolment; everything here
only adds to it. Pages:

- ``/hub/join``: a logged-in user types a course's code and is enrolled. Wrong codes
  are slowed down per user (``AttemptLimiter``).
- ``/hub/course/<course>``: for whoever holds ``custom:isoko:enrolment:read`` on the
  course (its instructors, the operator): the code, the sign-ups that gave that code,
  the learners enrolled. Approving or rejecting a sign-up (POST, with the hub's XSRF
  token) needs ``custom:isoko:signups:approve`` on the course; approving enrols.

A sign-up that gave a valid code is recorded in ``isoko_signup_courses`` (in the hub's
database, beside NativeAuthenticator's ``users_info``) until it is approved or rejected.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jupyterhub import orm
from jupyterhub.handlers.base import BaseHandler
from jupyterhub.scopes import get_scopes_for, has_scope, parse_scopes
from nativeauthenticator.orm import UserInfo
from sqlalchemy import Column, Unicode
from tornado import web

from isoko.hub.config import APPROVE_SIGNUPS, READ_ENROLMENT, student_group
from isoko.platform.enrolment import course_for_code, display_code, enrol

#: Isoko's hub templates; they come before JupyterHub's and NativeAuthenticator's.
TEMPLATES = Path(__file__).with_name("templates")


class SignupCourse(orm.Base):
    """The course a waiting sign-up asked for, by giving its code."""

    __tablename__ = "isoko_signup_courses"
    username = Column(Unicode(255), primary_key=True)
    course = Column(Unicode(255), nullable=False)


def ensure_table(db) -> None:
    SignupCourse.__table__.create(db.get_bind(), checkfirst=True)


def record_signup_course(db, username: str, course: str) -> None:
    row = db.get(SignupCourse, username) or SignupCourse(username=username)
    row.course = course
    db.add(row)
    db.commit()


def signup_course(db, username: str) -> str | None:
    row = db.get(SignupCourse, username)
    return row.course if row is not None else None


def forget_signup_course(db, username: str) -> None:
    row = db.get(SignupCourse, username)
    if row is not None:
        db.delete(row)
        db.commit()


def waiting_signups(db, course: str | None = None) -> list[UserInfo]:
    """Sign-ups not approved yet: those that gave ``course``'s code, or all of them."""
    query = db.query(UserInfo).filter(UserInfo.is_authorized == False)  # noqa: E712 - SQL
    if course is not None:
        query = query.join(SignupCourse, SignupCourse.username == UserInfo.username).filter(
            SignupCourse.course == course
        )
    return query.order_by(UserInfo.username).all()


def enrolled(db, course: str) -> list[str]:
    group = orm.Group.find(db, student_group(course))
    return sorted(user.name for user in group.users) if group is not None else []


def may(scopes, scope: str, course: str) -> bool:
    """Whether parsed ``scopes`` hold ``scope`` for ``course`` (filtered or not)."""
    return has_scope(f"{scope}!group={student_group(course)}", scopes)


def courses_of(user: orm.User, titles: dict[str, str]) -> list[str]:
    groups = {group.name for group in user.groups}
    return [course for course in titles if student_group(course) in groups]


@dataclass
class Waiting:
    course: str
    title: str
    count: int


class HomeNotes:
    """What the hub's pages say to a user about courses (the template variable ``isoko``).

    An instructor reads how many sign-ups wait for each of their courses, linking to
    the course page; the operator, how many wait in all; a learner in no course, how
    to join one.
    """

    def __init__(self, titles: dict[str, str]):
        self.titles = titles

    def __call__(self, user) -> dict | None:
        if user is None or getattr(user, "orm_user", None) is None:
            return None
        db = user.db
        scopes = parse_scopes(get_scopes_for(user.orm_user))
        teaching = [c for c in self.titles if may(scopes, READ_ENROLMENT, c)]
        waiting = [
            Waiting(course, self.titles[course], len(waiting_signups(db, course)))
            for course in teaching
            if may(scopes, APPROVE_SIGNUPS, course)
        ]
        operator = has_scope("admin:users", scopes)
        taking = courses_of(user.orm_user, self.titles)
        return {
            "teaching": [Waiting(c, self.titles[c], 0) for c in teaching],
            "waiting": [w for w in waiting if w.count],
            "all_waiting": len(waiting_signups(db)) if operator else 0,
            "taking": [self.titles[c] for c in taking],
            "show_join": not taking and not teaching and not operator,
        }


class CourseBase(BaseHandler):
    @property
    def titles(self) -> dict[str, str]:
        return self.authenticator.course_titles

    def course_title(self, course: str) -> str:
        if course not in self.titles:
            raise web.HTTPError(404, "No such course")
        return self.titles[course]

    def require(self, scope: str, course: str) -> None:
        # Not holding the scope for this course looks the same as there being no such
        # course page: a 404 tells an instructor of one course nothing about another.
        self.course_title(course)
        if not may(self.parsed_scopes, scope, course):
            raise web.HTTPError(404, "No such course page")


class JoinHandler(CourseBase):
    """``/hub/join``: a logged-in user enrols themself with a course's code."""

    async def render_join(self, status: int = 200, message: str = "", error: str = "", code=""):
        self.set_status(status)
        html = await self.render_template(
            "isoko-join.html",
            message=message,
            error=error,
            code=code,
            taking=[self.titles[c] for c in courses_of(self.current_user.orm_user, self.titles)],
        )
        self.finish(html)

    @web.authenticated
    async def get(self):
        await self.render_join()

    @web.authenticated
    async def post(self):
        typed = self.get_body_argument("code", "", strip=True)
        limiter = self.authenticator.join_limiter
        key = self.current_user.name
        wait = limiter.retry_after(key)
        if wait:
            self.set_header("Retry-After", str(wait))
            error = f"Too many wrong codes. Try again in {wait} seconds."
            return await self.render_join(429, error=error, code=typed)
        course = course_for_code(self.authenticator.enrolment_codes(), typed)
        if course is None:
            limiter.failed(key)
            error = "Course code: no course has this code. Check it with your instructor."
            return await self.render_join(400, error=error, code=typed)
        limiter.succeeded(key)
        title = self.titles.get(course, course)
        if enrol(self.db, self.current_user.orm_user, course):
            self.log.info("%s joined %s with its code", key, course)
            message = f"You are enrolled in {title}."
        else:
            message = f"You are already enrolled in {title}."
        await self.render_join(message=message)


class CoursePageHandler(CourseBase):
    """``/hub/course/<course>``: the course's code, waiting sign-ups and learners."""

    @web.authenticated
    async def get(self, course):
        self.require(READ_ENROLMENT, course)
        code = self.authenticator.enrolment_codes().get(course, "")
        html = await self.render_template(
            "isoko-course.html",
            course=course,
            title=self.course_title(course),
            code=display_code(code) if code else "",
            waiting=waiting_signups(self.db, course),
            learners=enrolled(self.db, course),
            may_approve=may(self.parsed_scopes, APPROVE_SIGNUPS, course),
        )
        self.finish(html)


class CourseSignupHandler(CourseBase):
    """POST ``/hub/course/<course>/(approve|reject)/<name>``: decide one sign-up.

    Only a sign-up that gave this course's code and still waits can be decided here;
    any other name is a 404, whoever asks.
    """

    @web.authenticated
    async def post(self, course, action, username):
        self.require(APPROVE_SIGNUPS, course)
        info = UserInfo.find(self.db, username)
        if info is None or info.is_authorized or signup_course(self.db, username) != course:
            raise web.HTTPError(404, "No sign-up waiting for this course by that name")
        if action == "approve":
            info.is_authorized = True
            self.db.commit()
            user = self.user_from_username(username)
            enrol(self.db, user.orm_user, course)
            self.log.info("%s approved %s for %s", self.current_user.name, username, course)
        else:
            self.db.delete(info)
            self.db.commit()
            self.log.info("%s rejected %s for %s", self.current_user.name, username, course)
        forget_signup_course(self.db, username)
        self.redirect(f"{self.hub.base_url}course/{course}")


def course_handlers() -> list[tuple[str, type]]:
    return [
        (r"/join", JoinHandler),
        (r"/course/([^/]+)", CoursePageHandler),
        (r"/course/([^/]+)/(approve|reject)/([^/]+)", CourseSignupHandler),
    ]
