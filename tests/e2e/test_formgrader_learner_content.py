"""A learner's hostile submission, opened by the instructor in the formgrader.

Through the real path: a demo learner fetches the assignment through their server,
answers it with a notebook whose answer cell *produces* hostile outputs when graded
(HTML with a script, an ``onerror`` image and a ``javascript:`` link, raw JavaScript,
an SVG with a script, markdown with HTML) and whose written answer is hostile markdown
with an SVG attachment, hands in an HTML file beside it, and submits. The instructor
collects and autogrades through the formgrader's API, signs in on the hub's form in
Chromium, and opens the submission, the formgrader's lists, the learner's file and the
feedback. Every payload would mark the page (``window.__pwned``, ``document.title``)
and call a watcher on loopback; none may, while the learner's harmless output stays
readable and the grading buttons still save a grade.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from test_learner_browser import PAGE_TIMEOUT_MS, log_in

from support.assignment import ASSIGNMENT, COURSE, formgrader, solutions
from support.client import HubUser, signed_in
from support.hub import free_port

pytestmark = pytest.mark.e2e

NOTEBOOK = "pricing-basics"
#: The answer cell that also draws the hostile outputs, and the written answer.
CODE_ANSWER = "break_even_packs"
WRITTEN_ANSWER = "written_exchange_rate"
HANDED_IN_FILE = "notes.html"

HARMLESS_OUTPUT = "HARMLESS-OUTPUT break-even packs"
HARMLESS_WRITTEN = "HARMLESS-WRITTEN answer: the franc price stays"
#: One teal pixel, as a learner's chart drawn as PNG.
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA"
    "60e6kgAAAABJRU5ErkJggg=="
)


class Watcher(BaseHTTPRequestHandler):
    """Records every request a payload manages to send."""

    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        self.seen.append(self.path)
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def watcher() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    handler = type("ModuleWatcher", (Watcher,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def payload(watch: str, route: str) -> str:
    """JavaScript that leaves three marks if it ever runs."""
    return (
        f"window.__pwned='{route}';document.title='pwned-{route}';"
        f"fetch('{watch}/{route}',{{mode:'no-cors'}})"
    )


def hostile_svg(watch: str, route: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20" '
        f'onload="{payload(watch, route + "-onload")}">'
        f"<script>{payload(watch, route)}</script>"
        '<rect width="60" height="20" fill="teal"/></svg>'
    )


def hostile_html(watch: str) -> str:
    return (
        "<table class='harmless'><thead><tr><th>price</th><th>profit</th></tr></thead>"
        "<tbody><tr><td>12</td><td>3400</td></tr></tbody></table>"
        f"<script>{payload(watch, 'html-script')}</script>"
        f'<img src="x" onerror="{payload(watch, "html-onerror")}">'
        f'<a href="javascript:{payload(watch, "html-link")}">open-html-link</a>'
        f'<svg onload="{payload(watch, "html-svg-onload")}"></svg>'
        f'<iframe srcdoc="<script>parent.{payload(watch, "html-iframe")}</script>"></iframe>'
        f'<img src="{watch}/html-beacon">'
        f"<style>body {{ background: url('{watch}/html-style') }}</style>"
    )


def hostile_code(watch: str) -> str:
    """What the learner adds under their answer: run by the autograder, shown as outputs."""
    js = {"application/javascript": payload(watch, "javascript-output")}
    svg = {"image/svg+xml": hostile_svg(watch, "svg-output")}
    markdown = f'**markdown output** <img src="x" onerror="{payload(watch, "markdown-output")}">'
    return (
        "\n\nfrom IPython.display import HTML, Markdown, display\n"
        f"display(HTML({hostile_html(watch)!r}))\n"
        f"display({js!r}, raw=True)\n"
        f"display({svg!r}, raw=True)\n"
        f"display({{'image/png': {PNG!r}}}, raw=True)\n"
        f"display(Markdown({markdown!r}))\n"
        f"print({HARMLESS_OUTPUT!r}, break_even_packs)\n"
    )


def hostile_markdown(watch: str) -> str:
    return (
        f"{HARMLESS_WRITTEN} about RWF 12,411 a pack.\n\n"
        "| year | RWF per USD |\n|---|---|\n| 2024 | 1,318 |\n| 2026 | 1,461 |\n\n"
        f"<script>{payload(watch, 'md-script')}</script>\n\n"
        f'<img src="x" onerror="{payload(watch, "md-onerror")}">\n\n'
        f"[open-md-link](javascript:{payload(watch, 'md-link')})\n\n"
        f'<a href="javascript:{payload(watch, "md-raw-link")}">open-md-raw-link</a>\n\n'
        f'<details open ontoggle="{payload(watch, "md-ontoggle")}">'
        "<summary>s</summary></details>\n\n"
        "![chart](attachment:chart.svg)\n"
    )


def answered(released: dict, watch: str) -> dict:
    """The released notebook, solved, with the hostile parts in the learner's own cells."""
    answers = solutions()
    for cell in released["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell["source"] = answers[grade_id]
        if grade_id == CODE_ANSWER:
            cell["source"] += hostile_code(watch)
        if grade_id == WRITTEN_ANSWER:
            cell["source"] = hostile_markdown(watch)
            svg = hostile_svg(watch, "attachment").encode()
            cell["attachments"] = {"chart.svg": {"image/svg+xml": base64.b64encode(svg).decode()}}
    return released


@pytest.fixture(scope="module")
def learner(hub) -> HubUser:
    # learners[0] is the integration slice's, learners[2] the other browser tests'.
    return signed_in(hub.url, hub.demo_accounts["learners"][1])


@pytest.fixture(scope="module")
def instructor(hub) -> HubUser:
    demo = hub.demo_accounts["instructor"]
    user = HubUser(hub.url, demo["username"], demo["password"])
    user.login()
    user.session.get(user.url(f"/services/{COURSE}/formgrader"))
    return user


@pytest.fixture(scope="module")
def submission(learner: HubUser, instructor: HubUser, watcher) -> dict:
    """The learner's hostile work, submitted, collected and autograded; its notebook row."""
    watch, _ = watcher
    form = {"course_id": COURSE, "assignment_id": ASSIGNMENT}
    assert learner.server("POST", "/assignments/fetch", data=form).ok
    folder = f"{COURSE}/{ASSIGNMENT}"
    model = learner.server("GET", f"/api/contents/{folder}/{NOTEBOOK}.ipynb").json()
    content = answered(model["content"], watch)
    saved = learner.server(
        "PUT",
        f"/api/contents/{folder}/{NOTEBOOK}.ipynb",
        data=json.dumps({"type": "notebook", "format": "json", "content": content}),
    )
    assert saved.ok, saved.text
    page = f"<h1>notes</h1><script>{payload(watch, 'handed-in-file')}</script>"
    handed_in = learner.server(
        "PUT",
        f"/api/contents/{folder}/{HANDED_IN_FILE}",
        data=json.dumps({"type": "file", "format": "text", "content": page}),
    )
    assert handed_in.ok, handed_in.text
    submitted = learner.server("POST", "/assignments/submit", data=form)
    assert submitted.ok, submitted.text

    collected = formgrader(instructor, "POST", f"/assignment/{ASSIGNMENT}/collect")
    assert collected.ok and collected.json()["success"], collected.text
    graded = formgrader(
        instructor, "POST", f"/submission/{ASSIGNMENT}/{learner.username}/autograde", timeout=300
    )
    assert graded.ok and graded.json()["success"], graded.text
    rows = formgrader(instructor, "GET", f"/submitted_notebooks/{ASSIGNMENT}/{NOTEBOOK}").json()
    (row,) = [r for r in rows if r["student"] == learner.username]
    return row


@pytest.fixture
def grader_page(context: BrowserContext, hub) -> Page:
    """A tab signed in as the instructor through the hub's form."""
    demo = hub.demo_accounts["instructor"]
    page = context.new_page()
    log_in(page, hub.url, demo["username"], demo["password"], "/hub/home")
    page.wait_for_url("**/hub/home")
    return page


def assert_nothing_ran(page: Page, seen: list[str], title: str) -> None:
    page.wait_for_timeout(1500)  # let any onerror, onload or fetch fire
    assert page.evaluate("() => window.__pwned") is None
    assert page.title() == title
    assert seen == [], f"a learner's payload reached the watcher: {seen}"


def test_submission_page_runs_no_learner_script_and_still_grades(
    grader_page: Page, hub, submission, instructor, watcher, artifacts_dir: Path
):
    _, seen = watcher
    violations: list[str] = []
    grader_page.on("console", lambda m: violations.append(m.text) if "policy" in m.text else None)
    url = f"{hub.url}/services/{COURSE}/formgrader/submissions/{submission['id']}/"
    reply = grader_page.goto(url)

    # The formgrader's own scripts ran: its form is wired and the names toggle works.
    written = grader_page.locator(".nbgrader_cell", has_text=HARMLESS_WRITTEN)
    expect(written).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(grader_page.locator(".output_stdout", has_text=HARMLESS_OUTPUT)).to_be_visible()
    assert grader_page.locator("table.harmless th", has_text="price").count() == 1
    expect(grader_page.locator("td", has_text="1,461")).to_be_visible()
    images = grader_page.locator("#notebook-container img").evaluate_all(
        "imgs => imgs.map(i => i.getAttribute('src') || '')"
    )
    assert any(src.startswith("data:image/png;base64,") for src in images), images
    # The SVG output and the SVG attachment: drawn as images, never inline.
    assert sum(src.startswith("data:image/svg+xml;base64,") for src in images) == 2, images
    assert grader_page.locator("#notebook-container svg").count() == 0
    for link in ("open-html-link", "open-md-link", "open-md-raw-link"):
        grader_page.get_by_text(link, exact=True).click()
    grader_page.screenshot(path=artifacts_dir / "e2e-formgrader-hostile-submission.png")
    assert_nothing_ran(grader_page, seen, NOTEBOOK)
    policy = reply.headers.get("content-security-policy", "")
    assert "script-src 'nonce-" in policy and "default-src 'none'" in policy, policy
    # The payloads did reach the page: shown as text, where the instructor sees them.
    notebook = grader_page.locator("#notebook-container").first
    for route in ("html-script", "md-script"):
        expect(notebook).to_contain_text(f"<script>window.__pwned='{route}'")

    grader_page.locator(".glyphicon-eye-open.name-hidden").first.click()
    expect(grader_page.locator("a.name-shown")).to_contain_text(submission["student"])
    written.locator("button.full-credit").click()
    expect(written.locator("input.score")).to_have_value("2")
    grades = formgrader(instructor, "GET", "/grades", params={"submission_id": submission["id"]})
    (grade,) = [g for g in grades.json() if g["name"] == WRITTEN_ANSWER]
    assert grade["manual_score"] == 2, grade
    assert_nothing_ran(grader_page, seen, NOTEBOOK)


def test_formgrader_lists_show_the_learner_without_running_anything(
    grader_page: Page, hub, submission, watcher
):
    _, seen = watcher
    base = f"{hub.url}/services/{COURSE}/formgrader"
    for path, shown in (
        (f"/manage_submissions/{ASSIGNMENT}", submission["student"]),
        (f"/gradebook/{ASSIGNMENT}/{NOTEBOOK}", "Submission #"),
        (f"/manage_students/{submission['student']}/{ASSIGNMENT}", NOTEBOOK),
    ):
        reply = grader_page.goto(base + path)
        expect(grader_page.locator("#main-table")).to_contain_text(shown, timeout=PAGE_TIMEOUT_MS)
        assert_nothing_ran(grader_page, seen, "nbgrader formgrade")
        assert "script-src 'nonce-" in reply.headers.get("content-security-policy", "")


def test_the_formgraders_own_buttons_still_work_under_the_policy(
    grader_page: Page, hub, submission
):
    """nbgrader's pages use inline onclick handlers; the policy allows exactly those."""
    base = f"{hub.url}/services/{COURSE}/formgrader"
    grader_page.goto(f"{base}/gradebook/{ASSIGNMENT}/{NOTEBOOK}")
    expect(grader_page.locator("#main-table a.name-hidden").first).to_be_visible(
        timeout=PAGE_TIMEOUT_MS
    )
    grader_page.locator("#toggle_names").click()
    expect(grader_page.locator("#main-table a.name-shown").first).to_be_visible()

    grader_page.goto(f"{base}/manage_assignments")
    expect(grader_page.locator("#main-table td.name", has_text=ASSIGNMENT)).to_be_visible(
        timeout=PAGE_TIMEOUT_MS
    )
    grader_page.get_by_role("link", name="Add new assignment...").click()
    expect(grader_page.locator(".modal-dialog input.name")).to_be_visible()


def test_a_file_the_learner_handed_in_runs_nothing(grader_page: Page, hub, submission, watcher):
    _, seen = watcher
    url = f"{hub.url}/services/{COURSE}/formgrader/submissions/{submission['id']}/{HANDED_IN_FILE}"
    reply = grader_page.goto(url)
    assert reply.status == 200
    assert "sandbox" in reply.headers.get("content-security-policy", "")
    expect(grader_page.locator("h1")).to_have_text("notes")
    assert_nothing_ran(grader_page, seen, "")


@pytest.mark.parametrize(
    "crafted",
    [
        # Into the page's text, and out of the JavaScript string nbgrader prints it in.
        "%3Cimg%20src=x%20onerror=%22window.__pwned=1;document.title=1%22%3E",
        "%22;window.__pwned=1;document.title=%22pwned",
    ],
)
def test_a_formgrader_url_made_to_break_out_is_refused(grader_page: Page, hub, crafted):
    """A link a learner sends the instructor: nbgrader prints URL parts unescaped."""
    reply = grader_page.goto(f"{hub.url}/services/{COURSE}/formgrader/manage_submissions/{crafted}")
    assert reply.status == 400
    assert_nothing_ran(grader_page, [], "")


def test_feedback_shows_the_answer_without_running_it(
    grader_page: Page, hub, submission, instructor, learner, watcher
):
    _, seen = watcher
    student = submission["student"]
    for step in ("generate_feedback", "release_feedback"):
        reply = formgrader(instructor, "POST", f"/assignment/{ASSIGNMENT}/{student}/{step}")
        assert reply.ok and reply.json()["success"], reply.text

    # What the instructor opens from the grader's files: the page the learner reads,
    # where everything the learner wrote is text.
    feedback = f"feedback/{student}/{ASSIGNMENT}/{NOTEBOOK}.html"
    grader_page.goto(f"{hub.url}/services/{COURSE}/files/{feedback}")
    body = grader_page.locator("main")
    expect(body).to_contain_text(HARMLESS_WRITTEN, timeout=PAGE_TIMEOUT_MS)
    expect(body).to_contain_text("<script>window.__pwned='md-script'")
    expect(body).to_contain_text("display(HTML(")
    assert body.locator("a, img, script, svg, iframe, style, details[open]").count() == 0
    assert_nothing_ran(grader_page, seen, f"Feedback: {ASSIGNMENT}")

    # What the learner fetches is the same file.
    form = {"course_id": COURSE, "assignment_id": ASSIGNMENT}
    assert learner.server("POST", "/assignments/fetch_feedback", data=form).ok
    folder = learner.server("GET", f"/api/contents/{COURSE}/{ASSIGNMENT}/feedback").json()
    (attempt,) = [item["path"] for item in folder["content"]]
    fetched = learner.server("GET", f"/api/contents/{attempt}/{NOTEBOOK}.html").json()
    assert HARMLESS_WRITTEN in fetched["content"]
    assert "<script>window.__pwned" not in fetched["content"]
