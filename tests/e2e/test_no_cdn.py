"""Every page a learner or an instructor opens loads everything from the platform itself.

In Debian's Chromium against the real hub, every request of every page (and of its
frames and workers) is recorded: a simulator app and a learner's own notebook with
maths rendered by Voila, the formgrader's pages (a submission page included) and the
course's progress app. Not one goes to a host other than the hub on 127.0.0.1, and not
one is blocked on the way there; the maths is typeset.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page
from test_learner_browser import CHART_SVG, RENDER_TIMEOUT_MS, SIM, log_in

from isoko.sims.registry import find
from support.assignment import ASSIGNMENT, COURSE, NOTEBOOK, fetch_and_submit, formgrader
from support.client import signed_in
from support.hub import running_hub

pytestmark = pytest.mark.e2e

#: The price-and-profit app, where the hub puts it in a learner's home.
APP = find("price-and-profit").app.removeprefix("courses/")
MATH_NOTEBOOK = "maths-check.ipynb"
LOCAL_HOSTS = {"127.0.0.1"}


@pytest.fixture(scope="module")
def hub(artifacts_dir):
    with running_hub(artifacts_dir, "nocdn-") as hub:
        yield hub


@pytest.fixture(scope="module")
def graded(hub) -> dict:
    """learner1's work submitted, collected and autograded; its notebook row."""
    learner = signed_in(hub.url, hub.demo_accounts["learners"][0])
    instructor = signed_in(hub.url, hub.demo_accounts["instructor"], start_server=False)
    fetch_and_submit(learner)
    instructor.session.get(instructor.url(f"/services/{COURSE}/formgrader"))
    assert formgrader(instructor, "POST", f"/assignment/{ASSIGNMENT}/collect").json()["success"]
    reply = formgrader(
        instructor, "POST", f"/submission/{ASSIGNMENT}/{learner.username}/autograde", timeout=600
    )
    assert reply.json()["success"], reply.text
    notebook = NOTEBOOK.removesuffix(".ipynb")
    rows = formgrader(instructor, "GET", f"/submitted_notebooks/{ASSIGNMENT}/{notebook}").json()
    (row,) = [r for r in rows if r["student"] == learner.username]
    # A notebook of the learner's own with maths in it, to render as an app.
    notebook_json = {
        "cells": [
            {
                "cell_type": "markdown",
                "metadata": {},
                "source": "Profit: $\\pi = (p - c)\\,q$ and $$q = a\\,p^{-\\varepsilon}$$",
            }
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    saved = learner.server(
        "PUT",
        f"/api/contents/{MATH_NOTEBOOK}",
        data=json.dumps({"type": "notebook", "format": "json", "content": notebook_json}),
    )
    assert saved.ok, saved.text
    return {"learner": learner.username, "submission": row["id"]}


class Recorder:
    """Every request the browser context makes, and every one that failed."""

    def __init__(self, context: BrowserContext) -> None:
        self.urls: list[str] = []
        self.failed: list[str] = []
        self.console: list[str] = []
        context.on("request", lambda request: self.urls.append(request.url))
        context.on(
            "requestfailed",
            lambda request: self.failed.append(f"{request.url} {request.failure}"),
        )

    def watch(self, page: Page) -> Page:
        page.on("console", lambda msg: self.console.append(msg.text))
        page.on("websocket", lambda ws: self.urls.append(ws.url))
        return page

    def elsewhere(self) -> list[str]:
        return [
            url
            for url in self.urls
            if urlsplit(url).scheme not in ("data", "blob", "about")
            and urlsplit(url).hostname not in LOCAL_HOSTS
        ]


def assert_all_local(recorder: Recorder, what: str) -> None:
    assert recorder.urls, f"{what}: nothing was recorded"
    assert recorder.elsewhere() == [], f"{what} asked another host"
    # A request that never left (refused by a policy, or cut) is an attempt all the same.
    outside = [f for f in recorder.failed if "127.0.0.1" not in f.split(" ")[0]]
    assert outside == [], f"{what}: {outside}"
    blocked = [m for m in recorder.console if "Content Security Policy" in m and "http" in m]
    assert not [m for m in blocked if "127.0.0.1" not in m], blocked


def test_voila_apps_load_everything_from_the_hub_and_typeset_maths(
    context: BrowserContext, hub, graded, artifacts_dir
):
    recorder = Recorder(context)
    page = recorder.watch(context.new_page())
    demo = hub.demo_accounts["learners"][0]
    log_in(page, hub.url, demo["username"], demo["password"], "/hub/home")
    page.goto(
        f"{hub.url}/user/{demo['username']}/voila/render/{APP}",
        timeout=RENDER_TIMEOUT_MS,
        wait_until="domcontentloaded",
    )
    page.wait_for_selector(CHART_SVG, state="visible", timeout=RENDER_TIMEOUT_MS)
    assert page.locator(SIM).count() == 1
    page.goto(
        f"{hub.url}/user/{demo['username']}/voila/render/{MATH_NOTEBOOK}",
        timeout=RENDER_TIMEOUT_MS,
        wait_until="domcontentloaded",
    )
    # Typeset by the MathJax Voila bundles: no TeX left showing, formulas drawn.
    page.wait_for_selector("mjx-container", state="attached", timeout=RENDER_TIMEOUT_MS)
    assert page.locator("mjx-container").count() == 2
    page.wait_for_timeout(2000)  # fonts and late requests
    assert "$\\pi" not in page.inner_text("body")
    page.screenshot(path=artifacts_dir / "no-cdn-voila-maths.png")
    assert_all_local(recorder, "the learner's Voila pages")


def test_formgrader_and_progress_app_load_everything_from_the_hub(
    context: BrowserContext, hub, graded, artifacts_dir
):
    recorder = Recorder(context)
    page = recorder.watch(context.new_page())
    demo = hub.demo_accounts["instructor"]
    log_in(page, hub.url, demo["username"], demo["password"], "/hub/home")
    base = f"{hub.url}/services/{COURSE}"
    for path in (
        "/formgrader",
        "/formgrader/manage_assignments",
        "/formgrader/gradebook",
        f"/formgrader/manage_submissions/{ASSIGNMENT}",
        "/formgrader/manage_students",
        f"/formgrader/submissions/{graded['submission']}/",
    ):
        reply = page.goto(base + path, wait_until="networkidle")
        assert reply is not None and reply.status == 200, path
    assert page.locator("#notebook-container").count() >= 1
    page.goto(
        f"{base}/voila/render/progress.ipynb",
        timeout=RENDER_TIMEOUT_MS,
        wait_until="domcontentloaded",
    )
    page.wait_for_selector("svg[role=img], svg", state="visible", timeout=RENDER_TIMEOUT_MS)
    page.wait_for_timeout(2000)
    assert "Submissions per assignment" in page.inner_text("body")
    page.screenshot(path=artifacts_dir / "progress-app.png", full_page=True)
    assert_all_local(recorder, "the formgrader and the progress app")
