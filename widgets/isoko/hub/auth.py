"""NativeAuthenticator (sign-up with admin approval), fitted to JupyterHub 6.

NativeAuthenticator 1.3's login handler still times logins with ``self.statsd``, which
JupyterHub 6 removed, so every login attempt failed with a server error. This login
handler keeps its behaviour (the reasons it gives for a refused login included) and
leaves the timing out.
"""

from __future__ import annotations

from jupyterhub.handlers.base import BaseHandler
from nativeauthenticator import NativeAuthenticator
from nativeauthenticator.handlers import LoginHandler as NativeLoginHandler

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


class IsokoAuthenticator(NativeAuthenticator):
    def get_handlers(self, app):
        return [
            (path, IsokoLoginHandler if handler is NativeLoginHandler else handler)
            for path, handler in super().get_handlers(app)
        ]
