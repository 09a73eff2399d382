"""Type a command in a Jupyter terminal of a server, as its user, and read what it printed."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from support.client import HubUser

#: The shell prints the sum, never the typed text: the end of the answer.
END = "END-$((40 + 2))"
ENDED = "END-42"


async def _talk(user: HubUser, prefix: str, name: str, command: str, timeout: float) -> str:
    cookies = "; ".join(f"{c.name}={c.value}" for c in user.session.cookies)
    url = user.url(f"{prefix}/terminals/websocket/{name}").replace("http://", "ws://", 1)
    socket = await websocket_connect(HTTPRequest(url, headers={"Cookie": cookies}))
    socket.write_message(json.dumps(["stdin", f"{command}; echo {END}\r"]))
    said = ""
    try:
        while ENDED not in said:
            message = await asyncio.wait_for(socket.read_message(), timeout)
            assert message is not None, said
            kind, *rest = json.loads(message)
            if kind == "stdout":
                said += rest[0]
    finally:
        socket.close()
    return said


def terminal_says(user: HubUser, command: str, prefix: str, timeout: float = 120) -> str:
    """Open a terminal on ``prefix``'s server, type ``command``, return what it printed.

    The terminal's event loop runs in a thread of its own: a browser test's loop may be
    running in this one.
    """
    created = user.server("POST", "/api/terminals", prefix=prefix)
    assert created.ok, created.text
    name = created.json()["name"]
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, _talk(user, prefix, name, command, timeout)).result()
    finally:
        user.server("DELETE", f"/api/terminals/{name}", prefix=prefix)
