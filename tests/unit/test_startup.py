"""``isoko hub``'s preparation in order (``isoko.startup``): what each step leaves behind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from isoko import startup
from isoko.platform.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def trial_settings(tmp_path: Path, checkout: Path) -> Settings:
    from support.hub import free_port_run

    environ = {
        "ISOKO_STATE_DIR": str(tmp_path / "state"),
        "ISOKO_SYSTEM_DIR": str(tmp_path / "system"),
        "ISOKO_SERVICE_PORT_BASE": str(free_port_run(3)),
    }
    return Settings.from_environ(checkout=checkout, environ=environ, as_root=False)


def test_a_missing_proxy_stops_the_start_before_anything_is_written(tmp_path):
    s = trial_settings(tmp_path, checkout=tmp_path / "checkout")
    lines: list[str] = []
    with pytest.raises(startup.SetupError, match="configurable-http-proxy is missing"):
        startup.run(s, log=lines.append)
    assert lines == []
    assert not s.state_dir.exists()


def test_the_first_steps_give_the_demo_accounts_every_course_one_line_each(tmp_path):
    from jupyterhub import orm

    s = trial_settings(tmp_path, checkout=REPO)
    if not s.proxy_command.exists():
        pytest.skip("configurable-http-proxy is not installed in this checkout (make install)")
    steps = startup.steps()
    first = steps[: steps.index(startup.make_enrolment_codes) + 1]
    start = startup.Start(s, log=lambda line: None)
    lines = [step(start) for step in first]

    assert len(lines) == len(first) and all(lines)
    assert lines[1] == f"Courses: {', '.join(c.slug for c in start.courses)}"
    session = orm.new_session_factory(s.db_url)()
    for course in start.courses:
        learners = orm.Group.find(session, f"nbgrader-{course.slug}").users
        assert sorted(user.name for user in learners) == ["learner1", "learner2", "learner3"]
        graders = orm.Group.find(session, f"formgrade-{course.slug}").users
        assert [user.name for user in graders] == ["instructor"]
    codes = json.loads(s.enrolment_codes_file.read_text())
    assert sorted(codes) == sorted(c.slug for c in start.courses)


def test_on_kubernetes_the_preparation_needs_no_proxy_no_sandbox_and_no_grader_port(tmp_path):
    environ = {
        "ISOKO_STATE_DIR": str(tmp_path / "state"),
        "ISOKO_SYSTEM_DIR": str(tmp_path / "system"),
        "ISOKO_DEPLOYMENT": "kubernetes",
        "ISOKO_LEARNER_IMAGE": "isoko-learner:0.1.0",
    }
    # A checkout without the proxy, and no formgrader token: the init container's case.
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "courses").symlink_to(REPO / "courses")
    s = Settings.from_environ(checkout=checkout, environ=environ, as_root=False)
    start = startup.Start(s, log=lambda line: None)
    lines = [
        step(start)
        for step in (
            startup.check_tools,
            startup.read_courses,
            startup.clear_leftovers,
            startup.prepare_sandbox,
        )
    ]
    assert lines[0] == "Tools: the proxy is the chart's (kubernetes)"
    assert lines[3] == "Grading sandbox: in each course's grader container, not the hub's"
