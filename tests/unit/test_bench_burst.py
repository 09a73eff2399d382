"""The burst's visitors tell a chart from the busy page from an error, and always end."""

from __future__ import annotations

import asyncio
import json
import struct

import burst
from tornado.web import Application, RequestHandler
from tornado.websocket import WebSocketHandler

from support.aio import run_alone

CHART_STATE = {
    "model_name": "HTMLModel",
    "state": {"_dom_classes": ["isoko-chart"], "value": "<svg viewBox='0 0 1 1'></svg>"},
}
TEXT_STATE = {"model_name": "HTMLModel", "state": {"_dom_classes": [], "value": "<b>Price</b>"}}


def page(kernel: str) -> str:
    config = json.dumps({"baseUrl": "/", "kernelId": kernel})
    return (
        "<html><body>"
        f'<script id="jupyter-config-data" type="application/json">\n{config}\n</script>'
        "</body></html>"
    )


def binary_frame(message: dict, buffers: list[bytes]) -> bytes:
    """Jupyter's binary WebSocket frame for a message with buffers."""
    parts = [json.dumps(message).encode(), *buffers]
    offsets, at = [], 4 + 4 * len(parts)
    for part in parts:
        offsets.append(at)
        at += len(part)
    return struct.pack(f"!{len(parts) + 1}I", len(parts), *offsets) + b"".join(parts)


class Page(RequestHandler):
    def get(self, what: str) -> None:
        if what == "busy":
            self.set_status(503)
            self.write("<body data-isoko-busy>Busy: try again in a minute</body>")
        elif what == "overloaded":  # a 503 that is not Isoko's busy page
            self.set_status(503)
            self.write("Service Unavailable")
        elif what == "broken":
            self.set_status(500)
            self.write("Internal error")
        elif what == "no-kernel":
            self.write("<html><body>nothing</body></html>")
        else:
            self.write(page(what))


class Kernel(WebSocketHandler):
    """A kernel's channels: answers request_states with the widgets of its kernel id."""

    def open(self, kernel: str) -> None:
        self.kernel = kernel

    async def on_message(self, raw) -> None:
        msg = json.loads(raw)
        if msg["header"]["msg_type"] == "comm_open":
            assert msg["metadata"]["version"] == burst.CONTROL_PROTOCOL
            return
        if self.kernel == "silent":
            return  # a kernel that never answers: the visitor must give up
        states = {"a": TEXT_STATE}
        if self.kernel == "app":
            states["b"] = CHART_STATE
        reply = {
            "msg_type": "comm_msg",
            "content": {"comm_id": msg["content"]["comm_id"], "data": {
                "method": "update_states", "states": states, "buffer_paths": {}}},
        }  # fmt: skip
        await self.write_message(json.dumps({"msg_type": "status", "content": {}}))
        await self.write_message(binary_frame(reply, [b"\x00\x01"]), binary=True)


async def visit_all(paths: list[str], timeout_s: float) -> list[burst.VisitorResult]:
    app = Application([(r"/api/kernels/([^/]+)/channels", Kernel), (r"/apps/(.*)", Page)])
    server = app.listen(0, address="127.0.0.1")
    port = next(iter(server._sockets.values())).getsockname()[1]
    try:
        return list(
            await asyncio.gather(
                *(burst.http_visitor(f"http://127.0.0.1:{port}/apps/{p}", timeout_s) for p in paths)
            )
        )
    finally:
        server.stop()


def test_http_visitors_count_charts_busy_pages_and_errors():
    paths = ["app", "busy", "overloaded", "broken", "no-kernel", "no-chart", "silent"]
    results = run_alone(visit_all(paths, timeout_s=2))
    outcome = {path: r.outcome for path, r in zip(paths, results, strict=True)}
    assert outcome == {
        "app": "chart",
        "busy": "busy",
        "overloaded": "error",
        "broken": "error",
        "no-kernel": "error",
        "no-chart": "error",
        "silent": "error",
    }
    detail = {path: r.detail for path, r in zip(paths, results, strict=True)}
    assert detail["broken"] == "HTTP 500"
    assert "no chart" in detail["no-chart"] and "TimeoutError" in detail["silent"]
    assert all(r.seconds < 10 for r in results)  # the silent kernel did not hold it


def test_a_chart_is_a_chart_widget_holding_an_svg_in_text_or_binary_frames():
    assert not burst.has_chart({"a": TEXT_STATE})
    assert burst.has_chart({"a": TEXT_STATE, "b": CHART_STATE})
    frame = binary_frame({"msg_type": "comm_msg", "content": {}}, [b"xyz"])
    assert burst.decode(frame)["msg_type"] == "comm_msg"


def test_burst_result_counts_and_says_whether_watched_urls_answered():
    results = [
        burst.VisitorResult("http", "u", "chart", 1.0),
        burst.VisitorResult("http", "u", "busy", 0.1),
        burst.VisitorResult("chromium", "u", "error", 9.0, "TimeoutError"),
    ]
    ok = burst.BurstResult(3, results, 10.0, {"http://hub/": (10, 0)})
    assert (ok.charts, ok.busy, ok.errors) == (1, 1, 1)
    assert ok.count("error", "chromium") == 1 and ok.count("error", "http") == 0
    assert ok.still_answering is True
    down = burst.BurstResult(3, results, 10.0, {"http://hub/": (9, 1)})
    assert down.still_answering is False
    assert burst.BurstResult(3, results, 10.0).still_answering is None


def test_the_burst_target_needs_no_error_and_the_hub_still_answering():
    import targets

    charts = [burst.VisitorResult("http", "u", "chart", 1.0)] * 3
    calm = burst.BurstResult(3, charts, 5.0, {"http://hub/hub/api/": (5, 0)})
    (found,) = [t for t in targets.check([], calm) if "burst" in t.what]
    assert found.met is True and found.measured == "0; others answered"
    hub_down = burst.BurstResult(3, charts, 5.0, {"http://hub/hub/api/": (3, 2)})
    (found,) = [t for t in targets.check([], hub_down) if "burst" in t.what]
    assert found.met is False and "FAILED" in found.measured
    failing = burst.BurstResult(3, [*charts[:2], burst.VisitorResult("http", "u", "error", 1)], 5)
    (found,) = [t for t in targets.check([], failing) if "burst" in t.what]
    assert found.met is False and found.measured == "1"
