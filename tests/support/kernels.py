"""Run code in a hub user's kernel the way JupyterLab does: REST to start it, WebSocket to talk."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass

import websocket

from support.client import HubUser


@dataclass
class Run:
    """What one execution printed, and the name of the exception it raised, if any."""

    stdout: str = ""
    error: str | None = None
    done: bool = False
    msg_id: str = ""


class Kernel:
    """One kernel reached over its WebSocket (``channels_url``, http or https), as
    JupyterLab or a Voilà page reaches it: ``user``'s, with their cookies, or anyone's."""

    def __init__(
        self,
        channels_url: str,
        origin: str,
        cookies: str = "",
        username: str = "visitor",
        user: HubUser | None = None,
    ):
        self.user = user
        self.username = username
        self.id = channels_url.rstrip("/").split("/")[-2]
        self.session = uuid.uuid4().hex
        self.ws = websocket.create_connection(
            channels_url.replace("http", "ws", 1), cookie=cookies, origin=origin, timeout=30
        )

    @classmethod
    def of(cls, user: HubUser, kernel_id: str) -> Kernel:
        """A kernel of ``user``'s server, reached through the hub's proxy with their cookies."""
        url = user.url(f"/user/{user.username}/api/kernels/{kernel_id}/channels")
        cookies = "; ".join(f"{c.name}={c.value}" for c in user.session.cookies)
        return cls(url, user.base_url, cookies, user.username, user)

    @classmethod
    def start(cls, user: HubUser) -> Kernel:
        reply = user.server("POST", "/api/kernels", json={"name": "python3"}, timeout=120)
        if reply.status_code != 201:
            raise RuntimeError(f"kernel refused: {reply.status_code} {reply.text}")
        return cls.of(user, reply.json()["id"])

    def request(self, msg_type: str, content: dict) -> str:
        """Send a request on the shell channel; its message id."""
        msg_id = uuid.uuid4().hex
        self.ws.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": msg_type,
                        "session": self.session,
                        "username": self.username,
                        "version": "5.3",
                        "date": "",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "content": content,
                    "channel": "shell",
                    "buffers": [],
                }
            )
        )
        return msg_id

    def reply_to(self, msg_id: str, timeout: float = 30) -> dict:
        """The reply to the request ``msg_id`` (a TimeoutError if none comes)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.ws.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                msg = json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                break
            if msg.get("parent_header", {}).get("msg_id") == msg_id and msg.get(
                "msg_type", ""
            ).endswith("_reply"):
                return msg
        raise TimeoutError(f"no reply to {msg_id} within {timeout} s")

    def send(self, code: str) -> Run:
        """Start running ``code``; read its output with :meth:`wait`."""
        content = {
            "code": code,
            "silent": False,
            "store_history": False,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        }
        return Run(msg_id=self.request("execute_request", content))

    def wait(self, run: Run, timeout: float = 120, until: str | None = None) -> Run:
        """Read messages until ``run`` is done, or until its output contains ``until``."""
        deadline = time.monotonic() + timeout
        while not run.done and time.monotonic() < deadline:
            if until is not None and until in run.stdout:
                return run
            self.ws.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                msg = json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                break
            if msg.get("parent_header", {}).get("msg_id") != run.msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                run.stdout += content["text"]
            elif kind == "error":
                run.error = content["ename"]
            elif kind == "status" and content["execution_state"] == "idle":
                run.done = True
        if not run.done and (until is None or until not in run.stdout):
            raise TimeoutError(f"no answer within {timeout} s; printed so far: {run.stdout!r}")
        return run

    def run(self, code: str, timeout: float = 120) -> Run:
        return self.wait(self.send(code), timeout)

    def close(self) -> None:
        self.ws.close()

    def shutdown(self) -> None:
        self.close()
        if self.user is not None:
            self.user.server("DELETE", f"/api/kernels/{self.id}")
