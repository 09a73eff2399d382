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
    ToggleAuthorizationHandler,
    admin_users_scope,
)
from nativeauthenticator.handlers import LoginHandler as NativeLoginHandler
from nativeauthenticator.orm import UserInfo
from tornado import web

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
        self.redirect(self.hub.base_url + "authorize")


#: NativeAuthenticator's handlers that Isoko replaces.
REPLACED_HANDLERS = {
    NativeLoginHandler: IsokoLoginHandler,
    AuthorizationAreaHandler: IsokoAuthorizationAreaHandler,
    ToggleAuthorizationHandler: ToggleApprovalHandler,
    DiscardHandler: DiscardSignupHandler,
}
#: E-mailed self-approval links are a GET that approves; Isoko does not use them
#: (approval is the admin's), so the route is not served at all.
DROPPED_HANDLERS = {EmailAuthorizationHandler}


class IsokoAuthenticator(NativeAuthenticator):
    def get_handlers(self, app):
        return [
            (path, REPLACED_HANDLERS.get(handler, handler))
            for path, handler in super().get_handlers(app)
            if handler not in DROPPED_HANDLERS
        ]
