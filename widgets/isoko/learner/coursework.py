"""A learner's courses and assignments, driven through nbgrader's own steps.

The learner's server already has nbgrader's assignment list (``assignment_list``
server extension) with the learner's configuration: the exchange, the hub groups that
say which courses they are in, their hub name as student id. This module asks it for
the state of each assignment and to fetch, submit and fetch feedback, and runs
nbgrader's validator on the learner's notebooks; it turns every outcome into a
sentence a learner understands.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from isoko.learner.questions import failure_message, heading, question_name


@dataclass
class Note:
    """The outcome of one action, shown at the top of the course page."""

    kind: str  # "good", "bad" or "info"
    title: str
    lines: list[str] = field(default_factory=list)
    #: The id of the page section it is about ("" for the top of the page).
    where: str = ""


@dataclass
class AssignmentState:
    course: str
    id: str
    #: "released" (not fetched yet), "fetched" or "submitted"
    status: str = "released"
    notebooks: list[str] = field(default_factory=list)  # paths from the learner's home
    submitted_at: str = ""
    feedback_released: bool = False
    feedback_files: list[str] = field(default_factory=list)  # paths from the home

    @property
    def fetched(self) -> bool:
        return bool(self.notebooks)


@dataclass
class Item:
    title: str
    path: str  # from the learner's home


@dataclass
class CourseState:
    slug: str
    lessons: list[Item] = field(default_factory=list)
    apps: list[Item] = field(default_factory=list)
    assignments: list[AssignmentState] = field(default_factory=list)
    problem: str = ""

    @property
    def title(self) -> str:
        return self.slug.replace("-", " ").capitalize()


def last_line(text: str) -> str:
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "no reason given"


def notebook_title(path: Path) -> str:
    """The first heading of a notebook, else its file name made readable."""
    try:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown" and heading(cell.source):
                return heading(cell.source)
    except Exception:  # a broken notebook still gets a link, by its name
        pass
    return path.stem.replace("-", " ").replace("_", " ")


def items(root: Path, folder: str) -> list[Item]:
    directory = root / folder
    if not directory.is_dir():
        return []
    return [
        Item(notebook_title(path), str(path.relative_to(root)))
        for path in sorted(directory.glob("*.ipynb"))
        if not path.name.endswith(".updated.ipynb")
    ]


def assignment_states(course: str, listed: list[dict], root: Path) -> list[AssignmentState]:
    """One state per assignment from nbgrader's list (released and submitted entries)."""
    states: dict[str, AssignmentState] = {}
    for entry in listed:
        state = states.setdefault(
            entry["assignment_id"], AssignmentState(course, entry["assignment_id"])
        )
        if entry["status"] == "fetched":
            state.notebooks = [nb["path"] for nb in entry.get("notebooks", [])]
            state.status = "fetched" if state.status == "released" else state.status
        elif entry["status"] == "submitted":
            state.status = "submitted"
            submissions = sorted(entry.get("submissions", []), key=lambda s: s["timestamp"])
            if submissions:
                latest = submissions[-1]
                state.submitted_at = latest["timestamp"]
                notebooks = latest.get("notebooks", [])
                state.feedback_released = any(nb.get("has_exchange_feedback") for nb in notebooks)
                state.feedback_files = [
                    os.path.relpath(nb["local_feedback_path"], root)
                    if os.path.isabs(nb["local_feedback_path"])
                    else nb["local_feedback_path"]
                    for nb in notebooks
                    if nb.get("has_local_feedback") and nb.get("local_feedback_path")
                ]
    return sorted(states.values(), key=lambda s: s.id)


class Coursework:
    """The learner's courses, over nbgrader's assignment list of this server.

    ``_`` translates what the notes say (gettext, the learner pages' domain); English
    by default. Messages are formatted after translation, never inside an f-string:
    the extraction of the catalogues reads no f-string.
    """

    def __init__(self, manager, root: Path, log, _: Callable[[str], str] = str):
        self.manager = manager
        self.root = root
        self.log = log
        self._ = _

    def course_ids(self) -> list[str]:
        """The courses the hub's groups put this learner in (nbgrader's own answer)."""
        # nbgrader is imported when first used, not as the server starts
        # (isoko.courses.nbgrader_on_first_use).
        from nbgrader.auth import Authenticator

        try:
            courses = Authenticator(config=self.manager.load_config()).get_student_courses("*")
        except Exception as error:  # the hub is down: say so, list nothing
            self.log.warning("Could not ask the hub for the learner's courses: %s", error)
            return []
        return sorted(courses or [])

    def course(self, slug: str) -> CourseState:
        state = CourseState(
            slug, items(self.root, f"{slug}/lessons"), items(self.root, f"{slug}/apps")
        )
        listed = self.manager.list_assignments(course_id=slug)
        if listed.get("success"):
            state.assignments = assignment_states(slug, listed["value"], self.root)
        else:
            self.log.error("Listing %s assignments failed: %s", slug, listed.get("value"))
            state.problem = self._("The course's assignments cannot be listed right now.")
        return state

    def assignment(self, course: str, assignment: str) -> AssignmentState | None:
        for state in self.course(course).assignments:
            if state.id == assignment:
                return state
        return None

    # Actions: each returns the note to show.

    def fetch(self, course: str, assignment: str) -> Note:
        _ = self._
        state = self.assignment(course, assignment)
        if state is None:
            there_is_none = _("There is no assignment {assignment} in {course} to fetch.")
            return Note("bad", there_is_none.format(assignment=assignment, course=course))
        if state.fetched:
            already = _("{assignment} is already in your folder.").format(assignment=assignment)
            return Note("info", already, [_("Open it below.")])
        result = self.manager.fetch_assignment(course, assignment)
        if not result.get("success"):
            failed = _("{assignment} could not be fetched.").format(assignment=assignment)
            return Note("bad", failed, [last_line(result["value"])])
        fetched = _("{assignment} is in your folder now.").format(assignment=assignment)
        return Note("good", fetched, [_("Open it, work it, then Validate.")])

    def submit(self, course: str, assignment: str) -> Note:
        _ = self._
        state = self.assignment(course, assignment)
        if state is None or not state.fetched:
            first = _("Fetch {assignment} and work it before you submit it.")
            return Note("bad", first.format(assignment=assignment))
        result = self.manager.submit_assignment(course, assignment)
        if not result.get("success"):
            failed = _("{assignment} was not submitted.").format(assignment=assignment)
            return Note("bad", failed, [last_line(result["value"])])
        state = self.assignment(course, assignment)
        when = state.submitted_at if state else ""
        received = _("Received at {when}.").format(when=when) if when else _("Received.")
        return Note(
            "good",
            _("{assignment} is submitted.").format(assignment=assignment),
            [received, _("You may submit again; the last one counts.")],
        )

    def fetch_feedback(self, course: str, assignment: str) -> tuple[Note, AssignmentState | None]:
        """Bring the released feedback home; say why there is none when there is none."""
        _ = self._
        state = self.assignment(course, assignment)
        if state is None or state.status != "submitted":
            not_yet = _("You have not submitted {assignment} yet, so it has no feedback.")
            return Note("info", not_yet.format(assignment=assignment)), None
        if not state.feedback_released and not state.feedback_files:
            why = _(
                "Your teacher has not released feedback for your submission of {when}. "
                "Come back after they have graded it."
            )
            title = _("No feedback for {assignment} yet.").format(assignment=assignment)
            return Note("info", title, [why.format(when=state.submitted_at)]), None
        if state.feedback_released:
            result = self.manager.fetch_feedback(course, assignment)
            if not result.get("success"):
                failed = _("Your feedback could not be fetched.")
                return Note("bad", failed, [last_line(result["value"])]), None
            state = self.assignment(course, assignment)
        if state is None or not state.feedback_files:
            lost = _("The feedback for {assignment} did not arrive. Try again.")
            return Note("bad", lost.format(assignment=assignment)), None
        return Note("good", _("Feedback for {assignment}.").format(assignment=assignment)), state

    def validate(self, course: str, assignment: str) -> Note:
        _ = self._
        state = self.assignment(course, assignment)
        if state is None or not state.fetched:
            first = _("Fetch {assignment} before you validate it.")
            return Note("bad", first.format(assignment=assignment))
        problems: list[str] = []
        for path in state.notebooks:
            problems.extend(self.validate_notebook(self.root / path))
        if problems:
            fix = _("{assignment}: fix these, then Validate again.").format(assignment=assignment)
            return Note("bad", fix, problems)
        return Note(
            "good",
            _("{assignment} passes every test you can see.").format(assignment=assignment),
            [_("Your teacher has more tests. Submit when you are ready.")],
        )

    def validate_notebook(self, path: Path) -> list[str]:
        """nbgrader's validation of one notebook, each problem named by its question."""
        from nbgrader.validator import Validator

        cwd = os.getcwd()
        try:
            os.chdir(self.root)
            validator = Validator(config=self.manager.load_config())
            nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
            # nbgrader's own checks, as its `validate` runs them; only the reporting is ours.
            if validator._get_type_changed_cells(nb):
                return [f"{path.name}: a cell's type was changed; undo that change."]
            os.chdir(path.parent)
            nb = validator._preprocess(nb)
        except Exception as error:
            self.log.exception("Validating %s failed", path)
            return [
                f"{path.name} could not be checked: {last_line(str(error)) or type(error).__name__}"
            ]
        finally:
            os.chdir(cwd)
        index = {id(cell): i for i, cell in enumerate(nb.cells)}
        changed = validator._get_changed_cells(nb)
        if changed and not validator.ignore_checksums:
            return [
                f"{question_name(nb.cells, index[id(cell)])}: a cell you must not change was "
                "changed. Fetch the assignment again in a new folder, or undo the change."
                for cell in changed
            ]
        return [
            f"{question_name(nb.cells, index[id(cell)])}: {failure(cell)}"
            for cell in validator._get_failed_cells(nb)
        ]


def failure(cell) -> str:
    """Why a graded cell failed validation, in one line."""
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    if errors:
        e = errors[-1]
        return failure_message(e.get("ename", "Error"), e.get("evalue", ""), e.get("traceback", []))
    if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"):
        return "some tests pass, not all."
    return "you did not answer yet."
