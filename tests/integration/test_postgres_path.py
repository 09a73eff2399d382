"""The hub and the gradebooks on a real PostgreSQL server, as Compose and Kubernetes run them.

A throwaway server on 127.0.0.1 (Debian's postgresql, started here); the real hub started
as root with ``database.hub_url`` and ``database.gradebook_url`` pointing at it. A learner
fetches, answers and submits a01; the instructor collects and autogrades in the
formgrader. The grade is then read from PostgreSQL itself, and no SQLite file stands in
for either database.
"""

from __future__ import annotations

import pytest
import yaml

from support.assignment import (
    ASSIGNMENT,
    COURSE,
    collect_and_autograde,
    fetch_and_submit,
    score,
    source_points,
)
from support.client import signed_in
from support.hub import running_hub
from support.postgres import running_postgres

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def postgres():
    with running_postgres() as server:
        yield server


@pytest.fixture(scope="module")
def hub(artifacts_dir, postgres):
    def use_postgres(hub) -> None:
        hub.state_dir.mkdir(parents=True, exist_ok=True)
        settings = {
            "database": {
                "hub_url": postgres.url("jupyterhub"),
                "gradebook_url": postgres.url("gradebook_{course}"),
            }
        }
        (hub.state_dir / "isoko.yaml").write_text(yaml.safe_dump(settings))
        (hub.state_dir / "isoko.yaml").chmod(0o600)

    with running_hub(artifacts_dir, "postgres-", before_start=use_postgres) as hub:
        yield hub


def test_a_learners_grade_goes_through_the_hub_into_postgres(hub, postgres):
    demo = hub.demo_accounts
    learner = signed_in(hub.url, demo["learners"][0])
    instructor = signed_in(hub.url, demo["instructor"], start_server=False)
    fetch_and_submit(learner)
    collect_and_autograde(instructor, learner.username)
    full = source_points(autograded_only=True)
    assert score(instructor, learner.username, autograded_only=True) == pytest.approx(full)

    # The databases were made at start on the server: the hub's and one per course.
    assert {"jupyterhub", f"gradebook_{COURSE}"} <= set(postgres.databases())
    rows = postgres.query(
        f"gradebook_{COURSE}",
        "SELECT s.student_id, SUM(g.auto_score) FROM grade g "
        "JOIN submitted_notebook n ON g.notebook_id = n.id "
        "JOIN submitted_assignment s ON n.assignment_id = s.id "
        "JOIN assignment a ON s.assignment_id = a.id "
        "WHERE a.name = %s GROUP BY s.student_id",
        ASSIGNMENT,
    )
    assert [(student, float(points)) for student, points in rows] == [
        (learner.username, pytest.approx(full))
    ]
    users = {row[0] for row in postgres.query("jupyterhub", "SELECT name FROM users")}
    assert {learner.username, demo["instructor"]["username"], demo["admin"]["username"]} <= users
    # Nothing fell back to SQLite.
    assert not (hub.state_dir / "jupyterhub.sqlite").exists()
    assert not (hub.system_dir / "graders" / COURSE / "gradebook.db").exists()
