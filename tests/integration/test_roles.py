"""Each role against the real hub: what it may do works, what it must not do is refused.

One decision per test (the roles are in ``isoko.hub.config``'s docstring). People:
the operator (``admin``, the only hub admin), an instructor of pricing only and a
grader of pricing only (signed up, approved and put in their groups by the operator
through the admin API), the demo ``instructor`` (every course), the demo ``learner1``
(every course, server running) and newcomers who sign up. Where a refusal could be
mistaken for a broken page, the same request by someone who may make it succeeds.
"""

from __future__ import annotations

import json
import re

import pytest

from isoko.courses.catalog import load_courses
from support.client import HubUser, signed_in
from support.hub import REPO
from support.signups import APPROVED, MISSING, PENDING, can_log_in, sign_up, signup_state

pytestmark = pytest.mark.integration

COURSE = "pricing"
OTHER = "logistics"
TITLES = {course.slug: course.title for course in load_courses(REPO / "courses")}
PASSWORD = "Kigali-coffee-2026"


def logged_in(hub, username: str, password: str) -> HubUser:
    user = HubUser(hub.url, username, password)
    assert "/hub/login" not in user.login().url, f"{username} could not log in"
    # A hub page view sets the hub's XSRF cookie for this session.
    user.session.get(user.url("/hub/home"))
    return user


def post(user: HubUser, path: str, **data):
    return user.session.post(
        user.url(path), data={"_xsrf": user._xsrf("/hub/"), **data}, allow_redirects=False
    )


def final_status(user: HubUser, path: str) -> int:
    """The status a browser ends on, after every redirect (OAuth included)."""
    return user.session.get(user.url(path)).status_code


def sign_up_with_code(hub, username: str, code: str, sent: bool = True) -> tuple[HubUser, object]:
    user = HubUser(hub.url, username, PASSWORD)
    user.session.get(user.url("/hub/signup"))
    reply = user.session.post(
        user.url("/hub/signup"),
        data={
            "username": username,
            "signup_password": PASSWORD,
            "signup_password_confirmation": PASSWORD,
            "course_code": code,
            "_xsrf": user._xsrf("/hub/"),
        },
    )
    if sent:
        assert reply.ok and "information has been sent" in reply.text, reply.text[-800:]
    return user, reply


def groups_of(admin: HubUser, username: str) -> list[str]:
    reply = admin.hub_api("GET", f"/users/{username}")
    assert reply.ok, reply.text
    return reply.json()["groups"]


@pytest.fixture(scope="module")
def codes(hub) -> dict[str, str]:
    return json.loads((hub.state_dir / "enrolment-codes.json").read_text())


@pytest.fixture(scope="module")
def admin(hub) -> HubUser:
    demo = hub.demo_accounts["admin"]
    return logged_in(hub, demo["username"], demo["password"])


def approved_account(hub, admin: HubUser, username: str, groups: list[str]) -> HubUser:
    """A signed-up account the operator approves and puts in ``groups`` (admin API)."""
    newcomer = sign_up(hub.url, username, PASSWORD)
    assert post(admin, f"/hub/authorize/{username}").status_code == 302
    # The hub user exists from the first login; the operator makes it now to group it.
    reply = admin.hub_api("POST", f"/users/{username}", json={})
    assert reply.status_code == 201, reply.text
    for group in groups:
        reply = admin.hub_api("POST", f"/groups/{group}/users", json={"users": [username]})
        assert reply.ok, reply.text
    return logged_in(hub, newcomer.username, PASSWORD)


@pytest.fixture(scope="module")
def pricing_instructor(hub, admin) -> HubUser:
    return approved_account(
        hub, admin, "teach-pricing", [f"formgrade-{COURSE}", f"instructors-{COURSE}"]
    )


@pytest.fixture(scope="module")
def pricing_grader(hub, admin) -> HubUser:
    return approved_account(hub, admin, "grade-pricing", [f"formgrade-{COURSE}"])


@pytest.fixture(scope="module")
def demo_instructor(hub) -> HubUser:
    demo = hub.demo_accounts["instructor"]
    return logged_in(hub, demo["username"], demo["password"])


@pytest.fixture(scope="module")
def learner(hub) -> HubUser:
    user = signed_in(hub.url, hub.demo_accounts["learners"][0])
    user.session.get(user.url("/hub/home"))
    return user


# The operator ------------------------------------------------------------------------


def test_the_operator_is_the_only_admin(admin):
    users = admin.hub_api("GET", "/users").json()
    assert [u["name"] for u in users if u["admin"]] == ["admin"]
    assert not next(u for u in users if u["name"] == "instructor")["admin"]


def test_the_operator_approves_any_signup_at_authorize_and_a_course_one_is_enrolled(
    hub, admin, codes
):
    newcomer, _ = sign_up_with_code(hub, "op-approved", codes[OTHER])
    home = admin.session.get(admin.url("/hub/home")).text
    assert re.search(r'<a href="/hub/authorize">\s*\d+ sign-ups? waiting for approval', home)
    page = admin.session.get(admin.url("/hub/authorize"))
    assert page.ok and 'id="op-approved"' in page.text
    row = page.text[page.text.index('id="op-approved"') :].split("</tr>")[0]
    assert TITLES[OTHER] in row, "the operator sees which course the sign-up asked for"
    assert post(admin, "/hub/authorize/op-approved").status_code == 302
    assert can_log_in(newcomer)
    assert groups_of(admin, "op-approved") == [f"nbgrader-{OTHER}"]


# Learners joining with a code --------------------------------------------------------


def test_a_learner_in_no_course_is_told_how_to_join_and_joins_with_the_code(hub, admin, codes):
    joiner = approved_account(hub, admin, "joiner", [])
    home = joiner.session.get(joiner.url("/hub/home")).text
    assert "You are not in a course yet" in home and 'action="/hub/join"' in home

    wrong = post(joiner, "/hub/join", code="abcde-fghjk")
    assert wrong.status_code == 400 and "Course code: no course has this code" in wrong.text
    assert groups_of(admin, "joiner") == []

    # As read out by the instructor: upper case, with the dash.
    code = codes[COURSE].upper()
    right = post(joiner, "/hub/join", code=f"{code[:5]}-{code[5:]}")
    assert right.status_code == 200 and f"You are enrolled in {TITLES[COURSE]}" in right.text
    assert groups_of(admin, "joiner") == [f"nbgrader-{COURSE}"]
    home = joiner.session.get(joiner.url("/hub/home")).text
    assert "You are not in a course yet" not in home and TITLES[COURSE] in home


def test_repeated_wrong_codes_are_slowed_down(hub, admin, codes):
    guesser = approved_account(hub, admin, "guesser", [])
    for attempt in range(5):
        reply = post(guesser, "/hub/join", code=f"wrong{attempt}wrong")
        assert reply.status_code == 400, attempt
    # Even the right code is not looked at until the wait is over.
    reply = post(guesser, "/hub/join", code=codes[COURSE])
    assert reply.status_code == 429 and "Too many wrong codes" in reply.text
    assert int(reply.headers["Retry-After"]) > 0
    assert groups_of(admin, "guesser") == []
    # Another learner is not slowed down by the guesser.
    other = approved_account(hub, admin, "not-guessing", [])
    assert post(other, "/hub/join", code=codes[COURSE]).status_code == 200


def test_a_wrong_code_at_signup_names_the_field_keeps_the_form_and_makes_no_account(hub):
    _, reply = sign_up_with_code(hub, "typo-seller", "zzzzz-zzzzz", sent=False)
    assert reply.status_code == 400
    assert "Course code: no course has this code" in reply.text
    assert 'value="typo-seller"' in reply.text and 'value="zzzzz-zzzzz"' in reply.text
    assert PASSWORD not in reply.text
    assert signup_state(hub.state_dir, "typo-seller") == MISSING


# Instructors -------------------------------------------------------------------------


def test_an_instructor_sees_waiting_signups_on_the_home_page_and_the_course_page(
    hub, pricing_instructor, codes
):
    _, reply = sign_up_with_code(hub, "waiting-seller", codes[COURSE])
    assert reply.ok and f"the instructors of {TITLES[COURSE]}" in reply.text
    home = pricing_instructor.session.get(pricing_instructor.url("/hub/home")).text
    waiting = r'<a href="/hub/course/pricing">\s*(\d+) sign-ups? waiting for ([^<]+)</a>'
    link = re.search(waiting, home)
    assert link and int(link.group(1)) >= 1 and link.group(2).strip() == TITLES[COURSE]
    assert f"waiting for {TITLES[OTHER]}" not in home
    page = pricing_instructor.session.get(pricing_instructor.url(f"/hub/course/{COURSE}"))
    assert page.ok
    code = codes[COURSE]
    assert f"{code[:5]}-{code[5:]}" in page.text
    assert 'id="signup-waiting-seller"' in page.text
    assert codes[OTHER][:5] not in page.text


def test_an_instructor_approves_a_signup_for_their_course_and_it_logs_in_enrolled(
    hub, admin, pricing_instructor, codes
):
    newcomer, _ = sign_up_with_code(hub, "instr-approved", codes[COURSE])
    assert signup_state(hub.state_dir, "instr-approved") == PENDING
    assert not can_log_in(newcomer)
    reply = post(pricing_instructor, f"/hub/course/{COURSE}/approve/instr-approved")
    assert reply.status_code == 302
    assert signup_state(hub.state_dir, "instr-approved") == APPROVED
    assert can_log_in(newcomer)
    assert groups_of(admin, "instr-approved") == [f"nbgrader-{COURSE}"]
    page = pricing_instructor.session.get(pricing_instructor.url(f"/hub/course/{COURSE}")).text
    assert 'id="signup-instr-approved"' not in page
    assert "<li>instr-approved</li>" in page


def test_an_instructor_rejects_a_signup_for_their_course(hub, pricing_instructor, codes):
    sign_up_with_code(hub, "rejected-seller", codes[COURSE])
    reply = post(pricing_instructor, f"/hub/course/{COURSE}/reject/rejected-seller")
    assert reply.status_code == 302
    assert signup_state(hub.state_dir, "rejected-seller") == MISSING


def test_an_approval_needs_the_hubs_xsrf_token(hub, pricing_instructor, codes):
    sign_up_with_code(hub, "forged-approval", codes[COURSE])
    reply = pricing_instructor.session.post(
        pricing_instructor.url(f"/hub/course/{COURSE}/approve/forged-approval"),
        allow_redirects=False,
    )
    assert reply.status_code == 403
    get = pricing_instructor.session.get(
        pricing_instructor.url(f"/hub/course/{COURSE}/approve/forged-approval"),
        allow_redirects=False,
    )
    assert get.status_code == 405
    assert signup_state(hub.state_dir, "forged-approval") == PENDING


def test_an_instructor_cannot_approve_another_courses_signup_nor_one_without_a_code(
    hub, pricing_instructor, codes
):
    sign_up_with_code(hub, "other-course-seller", codes[OTHER])
    sign_up(hub.url, "no-code-seller", PASSWORD)
    for path in (
        f"/hub/course/{COURSE}/approve/other-course-seller",
        f"/hub/course/{OTHER}/approve/other-course-seller",
        f"/hub/course/{COURSE}/approve/no-code-seller",
        f"/hub/course/{COURSE}/reject/other-course-seller",
        f"/hub/course/{COURSE}/reject/no-code-seller",
    ):
        assert post(pricing_instructor, path).status_code == 404, path
    assert signup_state(hub.state_dir, "other-course-seller") == PENDING
    assert signup_state(hub.state_dir, "no-code-seller") == PENDING
    # Nor see the other course's page (its code, its sign-ups).
    assert final_status(pricing_instructor, f"/hub/course/{OTHER}") == 404


def test_an_instructor_cannot_see_or_use_the_operators_list_of_signups(
    hub, pricing_instructor, demo_instructor
):
    sign_up(hub.url, "listed-nowhere", PASSWORD)
    for instructor in (pricing_instructor, demo_instructor):
        assert final_status(instructor, "/hub/authorize") == 403
        assert post(instructor, "/hub/authorize/listed-nowhere").status_code == 403
        assert post(instructor, "/hub/discard/listed-nowhere").status_code == 403
    assert signup_state(hub.state_dir, "listed-nowhere") == PENDING


def test_an_instructor_cannot_open_a_learners_server(
    hub, admin, learner, pricing_instructor, demo_instructor
):
    lab = f"/user/{learner.username}/lab"
    # The server runs and the operator may reach it (JupyterHub asks them to confirm).
    assert final_status(admin, lab) == 200
    for instructor in (pricing_instructor, demo_instructor):
        reply = instructor.session.get(instructor.url(lab))
        assert reply.status_code == 403, (instructor.username, reply.url)
        contents = instructor.session.get(instructor.url(f"/user/{learner.username}/api/contents"))
        assert contents.status_code == 403 and '"content"' not in contents.text


def test_an_instructor_cannot_use_the_admin_api(hub, learner, pricing_instructor, demo_instructor):
    name = learner.username
    for instructor in (pricing_instructor, demo_instructor):
        assert instructor.hub_api("GET", "/users").status_code == 403
        assert instructor.hub_api("GET", f"/users/{name}").status_code in (403, 404)
        assert instructor.hub_api("DELETE", f"/users/{name}/server").status_code in (403, 404)
        assert instructor.hub_api("POST", f"/users/{name}/tokens", json={}).status_code in (
            403,
            404,
        )
        reply = instructor.hub_api("PATCH", f"/users/{instructor.username}", json={"admin": True})
        assert reply.status_code in (403, 404)
        reply = instructor.hub_api("POST", "/users/made-by-instructor", json={})
        assert reply.status_code in (403, 404)
    assert not pricing_instructor.hub_api("GET", "/user").json()["admin"]


def test_an_instructor_grades_their_course_but_not_another(pricing_instructor):
    assert final_status(pricing_instructor, f"/services/{COURSE}/formgrader") == 200
    assert final_status(pricing_instructor, f"/services/{OTHER}/formgrader") == 403


# Graders -----------------------------------------------------------------------------


def test_a_grader_grades_but_cannot_approve_enrol_or_see_the_code(
    hub, admin, pricing_grader, codes
):
    assert final_status(pricing_grader, f"/services/{COURSE}/formgrader") == 200
    assert final_status(pricing_grader, f"/services/{OTHER}/formgrader") == 403
    sign_up_with_code(hub, "target-of-grader", codes[COURSE])
    assert final_status(pricing_grader, f"/hub/course/{COURSE}") == 404
    assert post(pricing_grader, f"/hub/course/{COURSE}/approve/target-of-grader").status_code == 404
    assert post(pricing_grader, "/hub/authorize/target-of-grader").status_code == 403
    assert signup_state(hub.state_dir, "target-of-grader") == PENDING
    reply = pricing_grader.hub_api(
        "POST", f"/groups/nbgrader-{COURSE}/users", json={"users": ["target-of-grader"]}
    )
    assert reply.status_code in (403, 404)
    home = pricing_grader.session.get(pricing_grader.url("/hub/home")).text
    assert "sign-up" not in home and codes[COURSE] not in home


# Learners ----------------------------------------------------------------------------


def test_a_learner_can_do_none_of_it(hub, learner, codes):
    sign_up_with_code(hub, "learner-target", codes[COURSE])
    assert final_status(learner, f"/hub/course/{COURSE}") == 404
    assert post(learner, f"/hub/course/{COURSE}/approve/learner-target").status_code == 404
    assert post(learner, "/hub/authorize/learner-target").status_code == 403
    assert signup_state(hub.state_dir, "learner-target") == PENDING
    assert final_status(learner, f"/services/{COURSE}/formgrader") == 403
    reply = learner.hub_api("POST", f"/groups/formgrade-{COURSE}/users", json={"users": ["x"]})
    assert reply.status_code in (403, 404)
    other = hub.demo_accounts["learners"][1]["username"]
    assert learner.hub_api("POST", f"/users/{other}/server").status_code in (403, 404)
    assert learner.hub_api("GET", "/users").status_code == 403
