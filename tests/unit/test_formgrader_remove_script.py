"""The Remove script reaches the Manage Students page, and only it, under the page's nonce."""

from __future__ import annotations

import re
from types import SimpleNamespace

from tornado.httputil import HTTPHeaders

from isoko.courses import formgrader_csp, formgrader_remove

PAGE = '<html><head><script src="/x/jquery.js"></script></head><body><table></table></body></html>'
SCRIPT = "/services/pricing/formgrader/isoko/static/remove-student.js"


def served(path: str, body: str = PAGE, status: int = 200) -> tuple[HTTPHeaders, str]:
    """``body`` as it leaves the grader server: Remove script first, then the policy."""
    headers = HTTPHeaders(
        {"Content-Type": "text/html; charset=UTF-8", "Content-Length": str(len(body))}
    )
    chunk = body.encode()
    for transform in (formgrader_remove.RemoveButtonScript, formgrader_csp.FormgraderPolicy):
        status, headers, chunk = transform(SimpleNamespace(path=path)).transform_first_chunk(
            status, headers, chunk, True
        )
    return headers, chunk.decode()


def test_manage_students_loads_the_script_from_the_service_with_the_pages_nonce():
    headers, page = served("/services/pricing/formgrader/manage_students")
    nonce = re.search(r"'nonce-([^']+)'", headers["Content-Security-Policy"]).group(1)
    assert f'<script nonce="{nonce}" src="{SCRIPT}"></script>' in page
    assert page.index(SCRIPT) > page.index("<table>")
    assert headers["Content-Length"] == str(len(page.encode()))


def test_other_pages_and_errors_do_not_get_it():
    for path in (
        "/services/pricing/formgrader/manage_assignments",
        "/services/pricing/formgrader/manage_students/learner1",
        "/services/pricing/lab",
    ):
        assert "remove-student.js" not in served(path)[1], path
    assert (
        "remove-student.js"
        not in served("/services/pricing/formgrader/manage_students", status=500)[1]
    )


def test_the_message_says_access_ended_and_whether_the_gradebook_keeps_them():
    kept = formgrader_remove.removal_message("amina", "pricing", 2)
    assert kept.startswith("amina no longer has access to pricing.")
    assert "2 submission(s)" in kept and "grades stay in the gradebook" in kept
    gone = formgrader_remove.removal_message("amina", "pricing", 0)
    assert "no longer in the gradebook" in gone


def test_the_script_is_installed_with_the_package():
    assert (formgrader_remove.STATIC_DIR / formgrader_remove.SCRIPT).is_file()
