"""A browser-less hub user: logs in through the real form and talks to the real servers."""

from __future__ import annotations

import time
from urllib.parse import urljoin

import requests


class HubUser:
    def __init__(self, base_url: str, username: str, password: str):
        self.base_url = base_url
        self.username = username
        self.password = password
        self.session = requests.Session()

    def url(self, path: str) -> str:
        return urljoin(self.base_url + "/", path.lstrip("/"))

    def _xsrf(self, path: str) -> str:
        """The XSRF cookie for ``path``: the hub and each server set their own."""
        matches = [c for c in self.session.cookies if c.name == "_xsrf" and path.startswith(c.path)]
        return max(matches, key=lambda c: len(c.path)).value if matches else ""

    def login(self, password: str | None = None) -> requests.Response:
        self.session.get(self.url("/hub/login"))
        return self.session.post(
            self.url("/hub/login"),
            data={
                "username": self.username,
                "password": self.password if password is None else password,
                "_xsrf": self._xsrf("/hub/"),
            },
        )

    def signup(self) -> requests.Response:
        self.session.get(self.url("/hub/signup"))
        return self.session.post(
            self.url("/hub/signup"),
            data={
                "username": self.username,
                "signup_password": self.password,
                "signup_password_confirmation": self.password,
                "_xsrf": self._xsrf("/hub/"),
            },
        )

    def hub_api(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"X-XSRFToken": self._xsrf("/hub/"), **kwargs.pop("headers", {})}
        return self.session.request(method, self.url(f"/hub/api{path}"), headers=headers, **kwargs)

    def start_server(self, timeout: float = 180) -> None:
        reply = self.hub_api("POST", f"/users/{self.username}/server")
        if reply.status_code not in (201, 202, 400):  # 400: already running
            raise RuntimeError(f"spawn refused: {reply.status_code} {reply.text}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = self.hub_api("GET", f"/users/{self.username}").json()
            server = model.get("servers", {}).get("", {})
            if server.get("ready"):
                # Visit the server once so its OAuth login sets our cookies.
                self.session.get(self.url(f"/user/{self.username}/lab"))
                return
            time.sleep(1)
        raise RuntimeError(f"{self.username}'s server was not ready within {timeout} s")

    def server(self, method: str, path: str, prefix: str | None = None, **kwargs):
        """A request to this user's server (or to ``prefix``, such as a service)."""
        prefix = prefix or f"/user/{self.username}"
        headers = {"X-XSRFToken": self._xsrf(prefix + "/"), **kwargs.pop("headers", {})}
        return self.session.request(method, self.url(prefix + path), headers=headers, **kwargs)


def signed_in(base_url: str, demo: dict, start_server: bool = True) -> HubUser:
    """A demo account logged in through the real form, with its server started if asked."""
    user = HubUser(base_url, demo["username"], demo["password"])
    assert "/hub/login" not in user.login().url, f"{demo['username']} could not log in"
    if start_server:
        user.start_server()
    return user
