"""Courses are data: each ``courses/<slug>/`` folder has a ``course.yaml`` that tooling reads.

A course names its simulators by their ids in the simulator catalog
(:mod:`isoko.sims.registry`); their app notebooks are ``apps/<id>.ipynb``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

#: Folders of a course that every learner receives in their home.
LEARNER_FOLDERS = ("lessons", "apps", "data")
#: The course's guide for instructors (model answers, rubrics, common mistakes): staged
#: with the nbgrader sources into the graders' course folder, never published.
INSTRUCTOR_GUIDE = "instructor-guide.md"


class CourseError(ValueError):
    """A course folder that tooling cannot use, with the reason in plain words."""


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    notebooks: list[str]
    auto_points: float
    manual_points: float


@dataclass(frozen=True)
class Course:
    slug: str
    title: str
    path: Path
    summary: str = ""
    assignments: list[Assignment] = field(default_factory=list)
    lessons: list[str] = field(default_factory=list)
    #: Ids of the course's simulators in the simulator catalog, as course.yaml lists them.
    simulators: list[str] = field(default_factory=list)
    #: The metadata as written, for checks that need more than the fields above.
    meta: dict = field(default_factory=dict)

    @property
    def apps(self) -> list[str]:
        """The app notebooks of the course's simulators, relative to the course folder."""
        return [app_path(sim_id) for sim_id in self.simulators]

    @property
    def source_dir(self) -> Path:
        return self.path / "source"

    @property
    def instructor_guide(self) -> Path:
        return self.path / INSTRUCTOR_GUIDE

    def learner_folders(self) -> list[Path]:
        return [self.path / name for name in LEARNER_FOLDERS if (self.path / name).is_dir()]


def app_path(sim_id: str) -> str:
    """Where the app notebook of simulator ``sim_id`` is, relative to its course folder."""
    return f"apps/{sim_id}.ipynb"


def course_simulators(meta: dict, meta_file: Path, slug: str) -> list[str]:
    """The simulator ids ``course.yaml`` lists, each checked against the catalog."""
    from isoko.sims.registry import catalog

    if "apps" in meta:
        raise CourseError(
            f"{meta_file}: 'apps' is no longer read: list the course's simulator ids under "
            "'simulators' (their app notebooks are made by `isoko apps`)"
        )
    listed = meta.get("simulators") or []
    if not isinstance(listed, list) or not all(isinstance(i, str) for i in listed):
        raise CourseError(f"{meta_file}: 'simulators' must be a list of simulator ids")
    courses = {entry.id: entry.course for entry in catalog()}
    for sim_id in listed:
        if sim_id not in courses:
            raise CourseError(
                f"{meta_file}: unknown simulator {sim_id!r} under 'simulators' "
                f"(the catalog has: {', '.join(courses)})"
            )
        if courses[sim_id] != slug:
            raise CourseError(
                f"{meta_file}: simulator {sim_id!r} belongs to the course "
                f"{courses[sim_id]!r} in the simulator catalog, not to {slug!r}"
            )
    return list(listed)


def load_course(path: Path) -> Course:
    meta_file = path / "course.yaml"
    if not meta_file.is_file():
        raise CourseError(f"{path}: no course.yaml")
    try:
        meta = yaml.safe_load(meta_file.read_text()) or {}
    except yaml.YAMLError as err:
        raise CourseError(f"{meta_file}: not valid YAML ({err})") from None
    slug = meta.get("slug")
    if slug != path.name:
        raise CourseError(f"{meta_file}: slug {slug!r} does not match the folder {path.name!r}")
    assignments = []
    for entry in meta.get("assignments", []):
        points = entry.get("points", {})
        assignments.append(
            Assignment(
                id=entry["id"],
                title=entry.get("title", entry["id"]),
                notebooks=list(entry.get("notebooks", [])),
                auto_points=float(points.get("auto", 0)),
                manual_points=float(points.get("manual", 0)),
            )
        )
    return Course(
        slug=slug,
        title=meta.get("title", slug),
        path=path,
        summary=meta.get("summary", ""),
        assignments=assignments,
        lessons=list(meta.get("lessons") or []),
        simulators=course_simulators(meta, meta_file, slug),
        meta=meta,
    )


def load_courses(courses_dir: Path) -> list[Course]:
    """Every course under ``courses_dir``, in slug order."""
    return [
        load_course(path)
        for path in sorted(courses_dir.iterdir())
        if path.is_dir() and (path / "course.yaml").exists()
    ]
