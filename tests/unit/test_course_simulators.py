"""A course.yaml names its simulators by their catalog ids: each resolves to its app
notebook, and a wrong id stops the course tooling with the file and the id named."""

import shutil
from pathlib import Path

import pytest

from isoko.courses.catalog import CourseError, load_course, load_courses
from isoko.courses.check import CourseChecker
from isoko.sims import catalog
from support.notebooks import REPO


def test_every_simulator_is_listed_by_its_course_and_its_app_exists():
    courses = load_courses(REPO / "courses")
    listed = {sim_id: course.slug for course in courses for sim_id in course.simulators}
    assert listed == {entry.id: entry.course for entry in catalog()}
    for course in courses:
        for rel in course.apps:
            assert (course.path / rel).is_file(), f"{course.slug}/{rel}"


@pytest.fixture
def logistics(tmp_path: Path) -> Path:
    copy = tmp_path / "logistics"
    copy.mkdir()
    shutil.copy(REPO / "courses" / "logistics" / "course.yaml", copy / "course.yaml")
    return copy


def rewrite(course: Path, old: str, new: str) -> None:
    meta = course / "course.yaml"
    assert old in meta.read_text()
    meta.write_text(meta.read_text().replace(old, new))


def test_the_apps_of_a_course_follow_its_simulator_ids(logistics):
    course = load_course(logistics)
    assert course.simulators == ["air-or-sea", "stock-and-reorder"]
    assert course.apps == ["apps/air-or-sea.ipynb", "apps/stock-and-reorder.ipynb"]


def test_an_unknown_simulator_id_names_the_course_file_and_the_id(logistics):
    rewrite(logistics, "[air-or-sea,", "[air-or-see,")
    with pytest.raises(CourseError) as raised:
        load_course(logistics)
    message = str(raised.value)
    assert message.startswith(f"{logistics / 'course.yaml'}: unknown simulator 'air-or-see'")
    assert "air-or-sea" in message  # what it could have been


def test_a_simulator_of_another_course_is_refused(logistics):
    rewrite(logistics, "[air-or-sea,", "[price-and-profit,")
    with pytest.raises(CourseError, match="'price-and-profit' belongs to the course 'pricing'"):
        load_course(logistics)


def test_the_old_apps_list_is_refused_with_what_to_write_instead(logistics):
    rewrite(logistics, "simulators: [", "apps: [apps/air-or-sea.ipynb]\nsimulators: [")
    with pytest.raises(CourseError, match="'apps' is no longer read.*'simulators'"):
        load_course(logistics)


def test_course_check_names_a_catalog_simulator_the_course_does_not_list(logistics, tmp_path):
    rewrite(logistics, "[air-or-sea, stock-and-reorder]", "[air-or-sea]")
    checker = CourseChecker(load_course(logistics), tmp_path / "work")
    checker.check_metadata()
    assert [str(p) for p in checker.problems] == [
        "logistics/course.yaml: the simulator catalog has stock-and-reorder for this course, "
        "but 'simulators' does not list it"
    ]
