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
    """One kernel of ``user``'s server, reached through the hub's proxy with their cookies."""

    def __init__(self, user: HubUser, kernel_id: str):
        self.user = user
        self.id = kernel_id
        self.session = uuid.uuid4().hex
        url = user.url(f"/user/{user.username}/api/kernels/{kernel_id}/channels")
        cookies = "; ".join(f"{c.name}={c.value}" for c in user.session.cookies)
        self.ws = websocket.create_connection(
            url.replace("http", "ws", 1), cookie=cookies, origin=user.base_url, timeout=30
        )

    @classmethod
    def start(cls, user: HubUser) -> Kernel:
        reply = user.server("POST", "/api/kernels", json={"name": "python3"}, timeout=120)
        if reply.status_code != 201:
            raise RuntimeError(f"kernel refused: {reply.status_code} {reply.text}")
        return cls(user, reply.json()["id"])

    def send(self, code: str) -> Run:
        """Start running ``code``; read its output with :meth:`wait`."""
        msg_id = uuid.uuid4().hex
        self.ws.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": "execute_request",
                        "session": self.session,
                        "username": self.user.username,
                        "version": "5.3",
                        "date": "",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "content": {
                        "code": code,
                        "silent": False,
                        "store_history": False,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                    "channel": "shell",
                    "buffers": [],
                }
            )
        )
        return Run(msg_id=msg_id)

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
        self.user.server("DELETE", f"/api/kernels/{self.id}")
