"""Every course reaches learners on the hub, and every assignment can be released."""

from __future__ import annotations

import pytest

from isoko.courses.catalog import load_courses
from support.client import HubUser, signed_in
from support.hub import REPO

pytestmark = pytest.mark.integration

COURSES = load_courses(REPO / "courses")


@pytest.fixture(scope="module")
def learner(hub):
    return signed_in(hub.url, hub.demo_accounts["learners"][0])


@pytest.fixture(scope="module")
def instructor(hub):
    demo = hub.demo_accounts["instructor"]
    user = HubUser(hub.url, demo["username"], demo["password"])
    user.login()
    return user


@pytest.mark.parametrize("course", COURSES, ids=[c.slug for c in COURSES])
def test_learner_finds_every_lesson_and_app(learner, course):
    for rel in [*course.lessons, *course.apps]:
        reply = learner.server("GET", f"/api/contents/{course.slug}/{rel}", params={"content": 0})
        assert reply.ok, f"{course.slug}/{rel} is not in the learner's home"


@pytest.mark.parametrize("course", COURSES, ids=[c.slug for c in COURSES])
def test_every_assignment_is_released_to_learners(learner, course):
    listed = learner.server("GET", "/assignments", params={"course_id": course.slug}).json()
    released = {a["assignment_id"] for a in listed["value"] if a["status"] == "released"}
    fetched_or_released = {a["assignment_id"] for a in listed["value"]}
    assert {a.id for a in course.assignments} <= fetched_or_released, listed
    assert released, f"nothing released in {course.slug}"


@pytest.mark.parametrize(
    ("course", "assignment"),
    [(c, a) for c in COURSES for a in c.assignments],
    ids=[f"{c.slug}/{a.id}" for c in COURSES for a in c.assignments],
)
def test_instructor_can_release_every_assignment_from_the_formgrader(
    instructor, course, assignment
):
    prefix = f"/services/{course.slug}"
    assert instructor.session.get(instructor.url(f"{prefix}/formgrader")).ok
    for step in ("unrelease", "release"):
        reply = instructor.server(
            "POST", f"/formgrader/api/assignment/{assignment.id}/{step}", prefix=prefix, timeout=300
        )
        assert reply.ok and reply.json()["success"], f"{step} {assignment.id}: {reply.text}"
    listed = instructor.server("GET", "/formgrader/api/assignments", prefix=prefix).json()
    status = {a["name"]: a["status"] for a in listed}
    assert status[assignment.id] == "released"
