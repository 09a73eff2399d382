"""NativeAuthenticator (sign-up with admin approval), fitted to JupyterHub 6.

NativeAuthenticator 1.3's login handler still times logins with ``self.statsd``, which
JupyterHub 6 removed, so every login attempt failed with a server error. This login
handler keeps its behaviour (the reasons it gives for a refused login included) and
leaves the timing out.

NativeAuthenticator also approves and discards sign-ups on a plain GET of
``/hub/authorize/<name>`` and ``/hub/discard/<name>``: an image or a link on any page
the admin's browser loads would approve an account. Here those two take only a POST,
which the hub refuses without its XSRF token, and a GET answers 405 and changes nothing.
The admin's authorization page posts them from small forms.

The sign-up form says which field is wrong and keeps what was typed (all but the
passwords), and takes an optional course code: a sign-up with a valid code waits for
that course's instructors too (``isoko.hub.enrolment``), who approve it and so enrol it.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader
from jupyterhub.handlers.base import BaseHandler
from nativeauthenticator import NativeAuthenticator
from nativeauthenticator.handlers import (
    AuthorizationAreaHandler,
    DiscardHandler,
    EmailAuthorizationHandler,
    LocalBase,
    SignUpHandler,
    ToggleAuthorizationHandler,
    admin_users_scope,
)
from nativeauthenticator.handlers import LoginHandler as NativeLoginHandler
from nativeauthenticator.orm import UserInfo
from tornado import web
from traitlets import Dict, Unicode

from isoko.hub import enrolment
from isoko.platform.enrolment import AttemptLimiter, course_for_code, read_codes

TEMPLATES = Path(__file__).with_name("templates")

NOT_APPROVED = "User {username} has not been authorized by an administrator yet."
WRONG_CREDENTIALS = "Invalid username or password."


class IsokoLoginHandler(NativeLoginHandler):
    def _render(self, login_error=None, username=None, sync=False, **ns):
        if sync:
            # JupyterHub shows an unexpected error of a form post through here, with
            # sync=True, which NativeAuthenticator's page cannot do: show the hub's
            # own error page instead.
            return BaseHandler.render_template(self, "error.html", sync=True, **ns)
        return super()._render(login_error=login_error, username=username)

    async def post(self):
        data = {name: self.get_argument(name, strip=False) for name in self.request.arguments}
        user = await self.login_user(data)
        if user:
            self._jupyterhub_user = user
            self.redirect(self.get_next_url(user))
            return
        username = data.get("username", "")
        self.set_status(403)
        self.finish(await self._render(login_error=self.refusal(username, data), username=username))

    def refusal(self, username: str, data: dict) -> str:
        """Say *why* when the password is right but the account awaits approval."""
        info = self.authenticator.get_user(username) if username else None
        if (
            info is not None
            and not info.is_authorized
            and info.is_valid_password(data.get("password", ""))
        ):
            return NOT_APPROVED.format(username=username)
        return WRONG_CREDENTIALS


def _add_templates(settings: dict) -> None:
    """Let the hub's template environments find Isoko's pages (once per environment)."""
    for key in ("jinja2_env", "jinja2_env_sync"):
        env = settings.get(key)
        if env is None or getattr(env, "_isoko_templates", False):
            continue
        env.loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)), env.loader])
        env._isoko_templates = True


class IsokoAuthorizationAreaHandler(LocalBase):
    """The admin's list of sign-ups, whose buttons POST with the hub's XSRF token."""

    @admin_users_scope
    async def get(self):
        _add_templates(self.settings)
        html = await self.render_template(
            "isoko-authorization-area.html",
            ask_email=self.authenticator.ask_email_on_signup,
            users=self.db.query(UserInfo).all(),
            asked_for={
                row.username: self.authenticator.course_titles.get(row.course, row.course)
                for row in self.db.query(enrolment.SignupCourse)
            },
        )
        self.finish(html)


class ToggleApprovalHandler(LocalBase):
    """POST /hub/authorize/<name>: approve a sign-up, or withdraw an approval.

    Only ``post`` is defined, so tornado answers any GET with 405; the hub checks the
    XSRF token of every cookie-authenticated POST before it gets here.
    """

    @admin_users_scope
    async def post(self, username):
        if UserInfo.find(self.db, username) is None:
            raise web.HTTPError(404)
        UserInfo.change_authorization(self.db, username)
        course = enrolment.signup_course(self.db, username)
        if course is not None and UserInfo.find(self.db, username).is_authorized:
            # The operator approved a sign-up that gave a course's code: enrol it, as
            # its instructors' approval would.
            enrolment.enrol(self.db, self.user_from_username(username).orm_user, course)
            enrolment.forget_signup_course(self.db, username)
        self.redirect(self.hub.base_url + "authorize#" + username)


class DiscardSignupHandler(LocalBase):
    """POST /hub/discard/<name>: forget a sign-up that is not approved (GET: 405)."""

    @admin_users_scope
    async def post(self, username):
        info = self.authenticator.get_user(username)
        if info is not None and not info.is_authorized:
            self.authenticator.delete_user(type("User", (), {"name": username}))
            # NativeAuthenticator also drops a hub user of that name, if one was made.
            if self.users.get(username) is not None:
                self.users.delete(username)
            enrolment.forget_signup_course(self.db, username)
        self.redirect(self.hub.base_url + "authorize")


class IsokoSignUpHandler(LocalBase):
    """``/hub/signup``: each refusal names its field, and the form keeps what was typed.

    NativeAuthenticator answers any refusal with one message for every field and an
    empty form. Here each field is checked on its own; the page comes back with the
    username, e-mail and course code as typed (never the passwords) and a message on
    each field that is wrong. Wrong course codes count against the sender's address,
    like wrong codes at ``/hub/join``.
    """

    async def render_signup(self, status=200, values=None, errors=None, message="", alert=""):
        self.set_status(status)
        html = await self.render_template(
            "signup.html",
            ask_email=self.authenticator.ask_email_on_signup,
            values=values or {},
            errors=errors or {},
            result_message=message,
            alert=alert,
            minimum_password_length=self.authenticator.minimum_password_length,
            tos=self.authenticator.tos,
        )
        self.finish(html)

    async def get(self):
        if not self.authenticator.enable_signup:
            raise web.HTTPError(404)
        await self.render_signup()

    def check_fields(self, values: dict, password: str, confirmation: str) -> dict[str, str]:
        """``{field: what is wrong}`` for every wrong field but the course code."""
        auth = self.authenticator
        errors = {}
        username = auth.normalize_username(values["username"])
        if not username:
            errors["username"] = "Username: choose one."
        elif not auth.validate_username(username):
            errors["username"] = (
                "Username: use 2 to 24 lowercase letters, digits, - or _, starting with a letter."
            )
        elif auth.user_exists(username):
            errors["username"] = "Username: this name is taken; choose another."
        if auth.ask_email_on_signup and not values["email"]:
            errors["email"] = "Email: give an address."
        if len(password) < auth.minimum_password_length:
            errors["password"] = (
                f"Password: use at least {auth.minimum_password_length} characters."
            )
        elif auth.check_common_password and auth.is_password_common(password):
            errors["password"] = "Password: this one is too common; choose another."
        if password != confirmation:
            errors["confirmation"] = "Confirm password: it does not match the password."
        return errors

    def check_course_code(self, typed: str) -> tuple[str | None, str | None]:
        """(the course, or None; what is wrong with the code, or None)."""
        if not typed:
            return None, None
        limiter = self.authenticator.signup_code_limiter
        key = self.request.remote_ip
        wait = limiter.retry_after(key)
        if wait:
            return None, (
                f"Course code: too many wrong codes; try again in {wait} seconds, "
                "or leave it empty and join later."
            )
        course = course_for_code(self.authenticator.enrolment_codes(), typed)
        if course is None:
            limiter.failed(key)
            return None, (
                "Course code: no course has this code. Check it with your instructor, "
                "or leave it empty and join later."
            )
        limiter.succeeded(key)
        return course, None

    async def post(self):
        auth = self.authenticator
        if not auth.enable_signup:
            raise web.HTTPError(404)
        values = {
            name: self.get_body_argument(name, "", strip=True)
            for name in ("username", "email", "course_code")
        }
        password = self.get_body_argument("signup_password", "", strip=False)
        confirmation = self.get_body_argument("signup_password_confirmation", "", strip=False)
        errors = self.check_fields(values, password, confirmation)
        course, code_error = self.check_course_code(values["course_code"])
        if code_error:
            errors["course_code"] = code_error
        user = None
        if not errors:
            extra = {"email": values["email"]} if auth.ask_email_on_signup else {}
            user = auth.create_user(values["username"], password, **extra)
            if user is None:
                errors["username"] = "Username: this account cannot be made; choose another."
        if errors:
            message = "Your sign-up was not sent. " + " ".join(errors.values())
            return await self.render_signup(400, values, errors, message, "alert-danger")
        if course is not None:
            enrolment.record_signup_course(self.db, user.username, course)
            title = auth.course_titles.get(course, course)
            message = (
                f"Your information has been sent to the admin and to the instructors of "
                f"{title}. Once they approve your sign-up, log in: you will be in {title}."
            )
        else:
            message = (
                "Your information has been sent to the admin. Once your sign-up is "
                "approved, log in, then join your course with the code your instructor "
                "gives you."
            )
        await self.render_signup(message=message, alert="alert-info")


#: NativeAuthenticator's handlers that Isoko replaces.
REPLACED_HANDLERS = {
    NativeLoginHandler: IsokoLoginHandler,
    AuthorizationAreaHandler: IsokoAuthorizationAreaHandler,
    SignUpHandler: IsokoSignUpHandler,
    ToggleAuthorizationHandler: ToggleApprovalHandler,
    DiscardHandler: DiscardSignupHandler,
}
#: E-mailed self-approval links are a GET that approves; Isoko does not use them
#: (approval is the admin's), so the route is not served at all.
DROPPED_HANDLERS = {EmailAuthorizationHandler}


class IsokoAuthenticator(NativeAuthenticator):
    enrolment_codes_file = Unicode(
        "", config=True, help="JSON file of each course's enrolment code (made by prepare)."
    )
    course_titles = Dict(config=True, help="Title of each course, by slug.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        enrolment.ensure_table(self.db)
        # Wrong enrolment codes at /hub/join (per user) and at sign-up (per address).
        self.join_limiter = AttemptLimiter()
        self.signup_code_limiter = AttemptLimiter()

    def enrolment_codes(self) -> dict[str, str]:
        """Read on each use, so a code changed in the file takes effect at once."""
        if not self.enrolment_codes_file:
            return {}
        codes = read_codes(Path(self.enrolment_codes_file))
        return {course: code for course, code in codes.items() if course in self.course_titles}

    def get_handlers(self, app):
        return [
            (path, REPLACED_HANDLERS.get(handler, handler))
            for path, handler in super().get_handlers(app)
            if handler not in DROPPED_HANDLERS
        ] + enrolment.course_handlers()
