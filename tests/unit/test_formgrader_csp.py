"""The formgrader's Content-Security-Policy, as each response leaves the grader server."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from tornado.httputil import HTTPHeaders

from isoko.courses import formgrader_csp

BASE = "/services/pricing"
HEAD = (
    '<head><script src="/services/pricing/formgrader/static/js/formgrade.js"></script>'
    '<script>var submission_id = "abc";</script></head>'
)
LEARNER = "<script>window.__pwned = 1</script>"
SUBMISSION = f'<body>{HEAD}<div class="container" id="notebook-container">{LEARNER}</div></body>'


def respond(path: str, body: str, content_type: str = "text/html; charset=UTF-8"):
    transform = formgrader_csp.FormgraderPolicy(SimpleNamespace(path=path))
    headers = HTTPHeaders(
        {
            "Content-Type": content_type,
            "Content-Length": str(len(body.encode())),
            "Content-Security-Policy": "frame-ancestors 'self'",
        }
    )
    status, headers, chunk = transform.transform_first_chunk(200, headers, body.encode(), True)
    return status, headers, chunk.decode()


def nonce_of(headers) -> str:
    return re.search(r"'nonce-([^']+)'", headers["Content-Security-Policy"]).group(1)


def test_policy_allows_only_nonced_scripts_and_the_formgraders_own_handlers():
    policy = formgrader_csp.formgrader_csp("n0nce")
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    script = directives["script-src"].split()
    assert script[0] == "'nonce-n0nce'"
    assert "'unsafe-inline'" not in script and "'self'" not in script
    assert "'unsafe-eval'" not in script and "'strict-dynamic'" not in script
    assert formgrader_csp.handler_hash("toggle_name(true);") in script
    assert directives["img-src"] == "'self' data:"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'self'", "the formgrader opens inside JupyterLab"


def test_submission_page_nonces_only_the_formgraders_scripts():
    status, headers, page = respond(f"{BASE}/formgrader/submissions/abc/", SUBMISSION)
    nonce = nonce_of(headers)
    assert status == 200
    assert page.count(f'nonce="{nonce}"') == 2
    assert LEARNER in page, "the learner's script got a nonce"
    assert int(headers["Content-Length"]) == len(page.encode())


def test_each_page_gets_its_own_nonce():
    first = nonce_of(respond(f"{BASE}/formgrader/manage_assignments", HEAD)[1])
    second = nonce_of(respond(f"{BASE}/formgrader/manage_assignments", HEAD)[1])
    assert first != second and len(first) >= 16


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/formgrader/manage_submissions/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        f'{BASE}/formgrader/manage_students/x";alert(1);//',
        f"{BASE}/formgrader/gradebook/a01/nb%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E",
    ],
)
def test_a_url_that_would_break_out_of_the_templates_is_refused(path):
    status, headers, page = respond(path, f"<script>var assignment_id = '{path}';</script>")
    assert status == 400
    assert "<script" not in page
    assert "'nonce-" in headers["Content-Security-Policy"]


@pytest.mark.parametrize("name", ["evil.html", "img/chart.svg", "next.html"])
def test_files_a_learner_handed_in_are_sandboxed(name):
    _, headers, _ = respond(f"{BASE}/formgrader/submissions/abc/{name}", "<script>x</script>")
    policy = headers["Content-Security-Policy"]
    assert "sandbox" in [d.strip() for d in policy.split(";")]
    assert "script-src" not in policy and "default-src 'none'" in policy


@pytest.mark.parametrize("action", ["next", "prev_incorrect"])
def test_navigation_is_not_taken_for_a_file(action):
    _, headers, _ = respond(f"{BASE}/formgrader/submissions/abc/{action}", "")
    assert "sandbox" not in headers["Content-Security-Policy"]


def test_other_pages_of_the_grader_server_keep_their_policy():
    for path in (f"{BASE}/lab", f"{BASE}/files/feedback/x.html", f"{BASE}/api/contents"):
        _, headers, page = respond(path, HEAD)
        assert headers["Content-Security-Policy"] == "frame-ancestors 'self'"
        assert "nonce" not in page


def test_formgrader_api_answers_are_left_whole_and_made_inert():
    """nbgrader sends its JSON as text/html; a nonce inside would break it, and a link
    to it must not become a page that runs a learner's name."""
    body = '{"student": "<script>window.__pwned = 1</script>", "log": "<script src=x>"}'
    _, headers, page = respond(f"{BASE}/formgrader/api/submission/a01/x/autograde", body)
    assert page == body
    assert headers["Content-Security-Policy"] == formgrader_csp.INERT_CSP
    assert "sandbox" in formgrader_csp.INERT_CSP
