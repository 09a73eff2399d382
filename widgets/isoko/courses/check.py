"""``isoko course check``: prove a course works before it reaches learners.

For each course it checks, and reports as ``course/notebook: cell: reason``:

- every lesson and app runs top to bottom in a fresh kernel, within a time budget;
- every assignment generates with nbgrader; the instructor's solution, autograded,
  earns full marks on every autograded cell; the released blank version, autograded,
  earns zero on every autograded cell and does not crash the grader;
- released notebooks contain no solution code and no hidden test;
- grade ids are unique within each assignment; ``course.yaml``'s points match nbgrader's;
- each notebook that uses a figure has a ``## Sources`` cell;
- the format rules of :mod:`isoko.courses.lesson_rules`: a lesson's title and outcomes,
  its "Your turn" exercises, its stored outputs, links to the course's apps, code lines
  that fit a phone, rubrics of manually graded answers and the instructor guide.

Everything runs in temporary directories with a blank Jupyter configuration and home,
so neither the course folder nor the author's own setup is touched.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat

from isoko.courses import lesson_rules
from isoko.courses.catalog import Course, CourseError, load_course
from isoko.sims.registry import catalog

LESSON_BUDGET_SECONDS = 120
CELL_TIMEOUT_SECONDS = 60
REQUIRED_METADATA = ("title", "summary", "audience", "level", "hours", "language", "outcomes")
BLANK_STUDENT = "blank-release"
SOLUTION_STUDENT = "instructor-solution"
SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
# Loose on purpose: a misspelt marker ("TEST") is what leaks hidden tests.
HIDDEN_MARKERS = ("### BEGIN HIDDEN", "### END HIDDEN")
#: A number with a unit or currency: a figure that needs a source.
FIGURE = re.compile(
    r"\b(?:RWF|USD|US\$|CNY|RMB|EUR)\s?\d[\d,.]*|\d[\d,.]*\s?(?:%|RWF|USD|CNY|RMB|kg|tonnes?\b|t\b)"
)


@dataclass(frozen=True)
class Problem:
    course: str
    notebook: str
    cell: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.course}/{self.notebook}" if self.notebook else self.course
        return f"{where}: {self.cell + ': ' if self.cell else ''}{self.reason}"


def isolated_env(home: Path) -> dict[str, str]:
    """An environment with a blank home and no Jupyter config but the package's own."""
    for sub in ("config", "data", "runtime"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    bin_dir = str(Path(sys.executable).parent)
    return {
        "HOME": str(home),
        "PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_CONFIG_PATH": "",
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }


def notebook_client(nb, folder: Path, *, timeout: int, **options):
    """A client that runs ``nb`` in a fresh kernel, in ``folder`` (for its data files)."""
    from nbclient import NotebookClient

    return NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
        **options,
    )


def run_notebook(nb, folder: Path, env: dict[str, str], **options) -> tuple[str, str] | None:
    """Run ``nb`` in place in a fresh kernel; ``(cell, why)`` if a cell failed, else None."""
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    client = notebook_client(nb, folder, timeout=CELL_TIMEOUT_SECONDS, **options)
    try:
        client.execute(env=env)
    except CellExecutionError as err:
        return CourseChecker.failing_cell(nb), f"raised {err.ename}: {err.evalue}"
    except (CellTimeoutError, TimeoutError):
        return CourseChecker.failing_cell(nb), "a cell ran out of time"
    except DeadKernelError:
        return CourseChecker.failing_cell(nb), "the kernel died"
    return None


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_autograded_test(cell) -> bool:
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade")) and not meta.get("solution") and cell.cell_type == "code"


def is_manually_graded(cell) -> bool:
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade")) and bool(meta.get("solution"))


def marked_lines(source: str, markers: tuple[str, str]) -> list[str]:
    """Substantial lines between ``markers`` (e.g. the solution) in one cell."""
    lines, inside = [], False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(markers[0]):
            inside = True
        elif stripped.startswith(markers[1]):
            inside = False
        elif inside and len(stripped) > 12 and not stripped.startswith("#"):
            lines.append(stripped)
    return lines


def uses_figures(nb) -> bool:
    return any(FIGURE.search(cell.source) for cell in nb.cells)


def has_sources_cell(nb) -> bool:
    return any(
        cell.cell_type == "markdown" and cell.source.lstrip().lower().startswith("## sources")
        for cell in nb.cells
    )


class CourseChecker:
    def __init__(self, course: Course, workdir: Path, log=print):
        self.course = course
        self.workdir = workdir
        self.log = log
        self.env = isolated_env(workdir / "home")
        self.problems: list[Problem] = []

    def problem(self, notebook: str, cell: str, reason: str) -> None:
        self.problems.append(Problem(self.course.slug, notebook, cell, reason))

    # --- lessons and apps ---------------------------------------------------------
    def run_notebooks(self) -> None:
        copy = self.workdir / "course"
        shutil.copytree(self.course.path, copy, ignore=shutil.ignore_patterns("source"))
        paths = [*self.course.lessons, *self.course.apps]
        missing = [p for p in paths if not (copy / p).is_file()]
        for rel in missing:
            self.problem(rel, "", "listed in course.yaml but missing")
        lessons = {}
        for rel in [p for p in paths if p not in missing]:
            path = copy / rel
            nb = self.read(path, rel)
            if nb is None:
                continue
            if uses_figures(nb) and not has_sources_cell(nb):
                self.problem(rel, "", "uses figures but has no '## Sources' cell")
            # The format rules read the notebook as stored, before it runs.
            if rel in self.course.lessons:
                lessons[rel] = nb
                lesson_rules.check_lesson(rel, nb, self.course.slug, self.problem)
            else:
                lesson_rules.check_code_lines(rel, nb, self.problem)
            started = time.monotonic()
            failed = run_notebook(nb, path.parent, self.env)
            if failed:
                self.problem(rel, *failed)
            took = time.monotonic() - started
            if took > LESSON_BUDGET_SECONDS:
                self.problem(
                    rel, "", f"took {took:.0f} s, over the {LESSON_BUDGET_SECONDS} s budget"
                )
            self.log(f"  {self.course.slug}/{rel}: ran in {took:.1f} s")
        lesson_rules.check_app_links(lessons, self.course.simulators, self.problem)

    @staticmethod
    def failing_cell(nb) -> str:
        """The first cell whose outputs hold an error (or the last executed one)."""
        last = ""
        for index, cell in enumerate(nb.cells, 1):
            if cell.cell_type != "code":
                continue
            if any(out.get("output_type") == "error" for out in cell.get("outputs", [])):
                return f"cell {index}"
            if cell.get("execution_count"):
                last = f"cell {index}"
        return last

    def read(self, path: Path, rel: str):
        try:
            return nbformat.read(path, as_version=4)
        except Exception as err:  # malformed JSON or not a notebook at all
            self.problem(rel, "", f"cannot be read as a notebook ({err})")
            return None

    # --- assignments ----------------------------------------------------------------
    def nbgrader(self, args: list[str], root: Path) -> subprocess.CompletedProcess[str]:
        cmd = [str(Path(sys.executable).with_name("nbgrader")), *args]
        return subprocess.run(
            cmd, cwd=root, env=self.env, capture_output=True, text=True, timeout=900
        )

    def check_assignments(self) -> None:
        for assignment in self.course.assignments:
            src = self.course.source_dir / assignment.id
            if not src.is_dir():
                self.problem(f"source/{assignment.id}", "", "listed in course.yaml but missing")
                continue
            self.check_assignment(assignment, src)

    def check_assignment(self, assignment, src: Path) -> None:
        aid = assignment.id
        root = self.workdir / f"grading-{aid}"
        shutil.copytree(src, root / "source" / aid)
        config = self.course.path / "nbgrader_config.py"
        settings = config.read_text() if config.is_file() else "c = get_config()  # noqa\n"
        (root / "nbgrader_config.py").write_text(
            f"{settings}\nc.CourseDirectory.root = {str(root)!r}\n"
            f"c.CourseDirectory.course_id = {self.course.slug!r}\n"
        )
        notebooks = {}
        for path in sorted(src.glob("*.ipynb")):
            nb = self.read(path, f"source/{aid}/{path.name}")
            if nb is not None:
                notebooks[path.stem] = nb
        if not notebooks:
            self.problem(f"source/{aid}", "", "has no notebook")
            return
        self.check_grade_ids_and_points(assignment, notebooks)
        for name, nb in notebooks.items():
            rel = f"source/{aid}/{name}.ipynb"
            lesson_rules.check_code_lines(rel, nb, self.problem)
            lesson_rules.check_rubrics(rel, nb, self.problem)
            if uses_figures(nb) and not has_sources_cell(nb):
                self.problem(
                    f"source/{aid}/{name}.ipynb", "", "uses figures but has no '## Sources' cell"
                )

        generated = self.nbgrader(["generate_assignment", aid, "--force"], root)
        if generated.returncode != 0:
            self.problem(
                f"source/{aid}", "", "nbgrader generate_assignment failed: " + last_error(generated)
            )
            return
        self.check_release(aid, notebooks, root / "release" / aid)
        for student, folder in ((SOLUTION_STUDENT, src), (BLANK_STUDENT, root / "release" / aid)):
            target = root / "submitted" / student / aid
            shutil.copytree(folder, target)
        graded = self.nbgrader(["autograde", aid, "--force"], root)
        if graded.returncode != 0:
            self.problem(f"source/{aid}", "", "nbgrader autograde crashed: " + last_error(graded))
            return
        self.check_scores(aid, notebooks, root)
        self.log(f"  {self.course.slug}/source/{aid}: generated, released and autograded")

    def check_grade_ids_and_points(self, assignment, notebooks: dict) -> None:
        seen: dict[str, str] = {}
        auto = manual = 0.0
        for name, nb in notebooks.items():
            for index, cell in enumerate(nb.cells, 1):
                grade_id = nbgrader_meta(cell).get("grade_id")
                if not grade_id:
                    continue
                if grade_id in seen:
                    self.problem(
                        f"source/{assignment.id}/{name}.ipynb",
                        grade_id,
                        f"grade id also used in {seen[grade_id]}",
                    )
                seen[grade_id] = f"{name}.ipynb cell {index}"
                points = float(nbgrader_meta(cell).get("points", 0) or 0)
                if is_autograded_test(cell):
                    auto += points
                elif is_manually_graded(cell):
                    manual += points
        if (auto, manual) != (assignment.auto_points, assignment.manual_points):
            self.problem(
                f"source/{assignment.id}",
                "",
                f"course.yaml says {assignment.auto_points:g} autograded + "
                f"{assignment.manual_points:g} manual points, the notebooks have "
                f"{auto:g} + {manual:g}",
            )

    def check_release(self, aid: str, notebooks: dict, release: Path) -> None:
        for name, source_nb in notebooks.items():
            path = release / f"{name}.ipynb"
            if not path.exists():
                self.problem(f"release/{aid}/{name}.ipynb", "", "was not generated")
                continue
            released = path.read_text()
            for markers, what in ((SOLUTION_MARKERS, "solution"), (HIDDEN_MARKERS, "hidden test")):
                if markers[0] in released or markers[1] in released:
                    self.problem(f"release/{aid}/{name}.ipynb", "", f"still holds a {what} marker")
                for cell in source_nb.cells:
                    leaked = [ln for ln in marked_lines(cell.source, markers) if ln in released]
                    if leaked:
                        grade_id = nbgrader_meta(cell).get("grade_id", "")
                        self.problem(
                            f"release/{aid}/{name}.ipynb",
                            grade_id,
                            f"the release shows {what} code: {leaked[0]!r}",
                        )

    def check_scores(self, aid: str, notebooks: dict, root: Path) -> None:
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(f"sqlite:///{root / 'gradebook.db'}", self.course.slug) as gb:
            for name, nb in notebooks.items():
                tests = [nbgrader_meta(c)["grade_id"] for c in nb.cells if is_autograded_test(c)]
                for grade_id in tests:
                    for student, want in ((SOLUTION_STUDENT, "full"), (BLANK_STUDENT, "zero")):
                        try:
                            grade = gb.find_grade(grade_id, name, aid, student)
                        except MissingEntry:
                            self.problem(
                                f"source/{aid}/{name}.ipynb",
                                grade_id,
                                f"no grade for the {student}",
                            )
                            continue
                        score, top = grade.score or 0.0, grade.max_score
                        if want == "full" and score != top:
                            self.problem(
                                f"source/{aid}/{name}.ipynb",
                                grade_id,
                                f"the instructor's solution earns {score:g} of {top:g}",
                            )
                        if want == "zero" and score != 0:
                            self.problem(
                                f"source/{aid}/{name}.ipynb",
                                grade_id,
                                f"the blank release earns {score:g} of {top:g}",
                            )

    def check_metadata(self) -> None:
        missing = [key for key in REQUIRED_METADATA if not self.course.meta.get(key)]
        if missing:
            self.problem("course.yaml", "", f"missing {', '.join(missing)}")
        unlisted = [
            entry.id
            for entry in catalog()
            if entry.course == self.course.slug and entry.id not in self.course.simulators
        ]
        if unlisted:
            self.problem(
                "course.yaml",
                "",
                f"the simulator catalog has {', '.join(unlisted)} for this "
                "course, but 'simulators' does not list it",
            )

    def run(self) -> list[Problem]:
        self.check_metadata()
        assignment_ids = [assignment.id for assignment in self.course.assignments]
        lesson_rules.check_guide(self.course.path, assignment_ids, self.problem)
        self.run_notebooks()
        self.check_assignments()
        return self.problems


def last_error(result: subprocess.CompletedProcess[str]) -> str:
    """The line of a failed command that says what went wrong (the exception, if any)."""
    lines = [ln.strip() for ln in (result.stderr + result.stdout).splitlines() if ln.strip()]
    exceptions = [ln for ln in lines if re.match(r"[\w.]+(Error|Exception): ", ln)]
    errors = [ln for ln in lines if "ERROR" in ln]
    return (exceptions or errors or lines or ["no output"])[-1][:300]


def check_course(path: Path, log=print) -> list[Problem]:
    try:
        course = load_course(path)
    except CourseError as err:
        return [Problem(path.name, "course.yaml", "", str(err))]
    with tempfile.TemporaryDirectory(prefix=f"isoko-check-{course.slug}-") as tmp:
        return CourseChecker(course, Path(tmp), log=log).run()


def check_courses(paths: list[Path], log=print, workers: int = 2) -> list[Problem]:
    """Check several courses side by side; return every problem found."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = pool.map(lambda p: check_course(p, log=log), paths)
        return [problem for problems in results for problem in problems]
