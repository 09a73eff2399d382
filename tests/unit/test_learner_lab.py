"""Learners' JupyterLab and Voilà pages: the parts that need no server.

The browser tests (``tests/e2e/test_learner_lab.py``) check the same on the real hub.
"""

from __future__ import annotations

import json

from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

from isoko.courses.assignment_list import courses_in_order
from isoko.hub.learner_lab import (
    APP_FRAMING_CSP,
    learner_page_transform,
    not_found_page,
    without_panel_sizes,
)

BASE = "/user/amina/"


def respond(tmp_path, path, status=200, body=b"", method="GET", headers=None):
    request = HTTPServerRequest(
        start_line=RequestStartLine(method, path, "HTTP/1.1"),
        headers=HTTPHeaders({"Host": "127.0.0.1"}),
    )
    transform = learner_page_transform(tmp_path, BASE)(request)
    sent = HTTPHeaders(headers or {"Content-Security-Policy": "frame-ancestors 'none'"})
    sent["Content-Length"] = str(len(body))
    return transform.transform_first_chunk(status, sent, body, True)


def test_an_app_page_may_be_framed_by_its_own_origin_only(tmp_path):
    _, headers, _ = respond(tmp_path, BASE + "voila/render/pricing/apps/a.ipynb", body=b"<html>")
    assert headers["Content-Security-Policy"] == APP_FRAMING_CSP == "frame-ancestors 'self'"


def test_other_pages_keep_the_hubs_policy(tmp_path):
    _, headers, body = respond(tmp_path, BASE + "lab/tree/a.ipynb", body=b"<html>")
    assert headers["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert body == b"<html>"


def test_a_missing_app_names_it_and_lists_the_courses_apps(tmp_path):
    (tmp_path / "pricing" / "apps").mkdir(parents=True)
    (tmp_path / "pricing" / "apps" / "price-and-profit.ipynb").write_text("{}")
    status, headers, body = respond(
        tmp_path, BASE + "voila/render/pricing/apps/price-and-proft.ipynb", 404, b"Not Found"
    )
    page = body.decode()
    assert status == 404 and "App not found" in page
    assert "pricing/apps/price-and-proft.ipynb" in page
    assert f'href="{BASE}voila/render/pricing/apps/price-and-profit.ipynb"' in page
    assert f'href="{BASE}"' in page and 'href="/hub/home"' in page
    assert headers["Content-Length"] == str(len(body))
    assert "script-src" not in headers["Content-Security-Policy"]
    assert "default-src 'none'" in headers["Content-Security-Policy"]


def test_the_missing_apps_name_cannot_write_html(tmp_path):
    page = not_found_page(tmp_path, BASE, "<img src=x onerror=alert(1)>.ipynb")
    assert "<img" not in page and "&lt;img" in page


def test_workspaces_are_served_without_panel_sizes(tmp_path):
    saved = {
        "data": {
            "layout-restorer:data": {
                "left": {"collapsed": False, "current": "filebrowser"},
                "relativeSizes": [0.86, 0.14, 0],
            },
            "notebook:a.ipynb": {"data": {"path": "a.ipynb"}},
        },
        "metadata": {"id": "default"},
    }
    _, headers, body = respond(
        tmp_path, BASE + "lab/api/workspaces/default", body=json.dumps(saved).encode()
    )
    served = json.loads(body)
    layout = served["data"]["layout-restorer:data"]
    assert "relativeSizes" not in layout
    assert layout["left"] == {"collapsed": False, "current": "filebrowser"}
    assert served["data"]["notebook:a.ipynb"] == saved["data"]["notebook:a.ipynb"]
    assert headers["Content-Length"] == str(len(body))


def test_a_list_of_workspaces_loses_its_sizes_too():
    listed = {
        "workspaces": {"values": [{"data": {"layout-restorer:data": {"relativeSizes": [1]}}}]}
    }
    assert without_panel_sizes(listed) == {
        "workspaces": {"values": [{"data": {"layout-restorer:data": {}}}]}
    }


def test_the_list_opens_on_an_enrolled_course_before_one_the_user_grades():
    groups = ["formgrade-logistics", "nbgrader-selling-online"]
    assert courses_in_order(["logistics", "selling-online"], groups, {}) == [
        "selling-online",
        "logistics",
    ]


def test_among_enrolled_courses_the_one_last_worked_on_comes_first():
    groups = ["nbgrader-logistics", "nbgrader-pricing", "nbgrader-selling-online"]
    listed = ["logistics", "pricing", "selling-online"]
    assert courses_in_order(listed, groups, {"pricing": 200.0, "logistics": 100.0}) == [
        "pricing",
        "logistics",
        "selling-online",
    ]


def test_an_enrolled_course_without_assignments_is_still_listed():
    assert courses_in_order([], ["nbgrader-pricing", "instructors-pricing"], {}) == ["pricing"]
