"""How a course is going, from its gradebook: what the progress app shows an instructor.

Pure and typed: the computations take plain records and return plain results, so they
are tested against examples worked by hand. Only :func:`read_gradebook` touches
nbgrader. Who is enrolled is the course's learner group on the hub (its gradebook
students follow it); a learner who is enrolled but has handed in nothing has not
started.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Question:
    """One graded cell of an assignment."""

    assignment: str
    notebook: str
    grade_id: str
    max_points: float

    @property
    def label(self) -> str:
        return f"{self.notebook}: {self.grade_id}"


@dataclass(frozen=True)
class Submission:
    """One learner's submission of one assignment, with their points per question.

    A question's points are None until it is graded (a written answer waiting for a
    person, or a submission not autograded yet).
    """

    assignment: str
    learner: str
    points: dict[str, float | None] = field(default_factory=dict)  # by Question.label


@dataclass(frozen=True)
class Gradebook:
    """What the progress app reads: assignments in order, their questions, submissions."""

    assignments: list[str]
    questions: list[Question]
    submissions: list[Submission]


@dataclass(frozen=True)
class AssignmentProgress:
    assignment: str
    submitted: int
    enrolled: int
    missing: list[str]

    @property
    def share_submitted(self) -> float:
        return self.submitted / self.enrolled if self.enrolled else 0.0


@dataclass(frozen=True)
class ScoreDistribution:
    """How many learners earned each score on one question, and how many await grading."""

    question: Question
    counts: dict[float, int]  # points -> learners, every score from 0 to max present
    ungraded: int

    @property
    def graded(self) -> int:
        return sum(self.counts.values())

    @property
    def mean_points(self) -> float | None:
        if not self.graded:
            return None
        return sum(points * n for points, n in self.counts.items()) / self.graded


def submissions_per_assignment(
    book: Gradebook, enrolled: Iterable[str]
) -> list[AssignmentProgress]:
    """For each assignment, how many enrolled learners submitted it, and who did not.

    A submission by someone no longer enrolled is not counted: the share is of the class
    as it is now.
    """
    learners = sorted(set(enrolled))
    result = []
    for assignment in book.assignments:
        handed_in = {s.learner for s in book.submissions if s.assignment == assignment}
        result.append(
            AssignmentProgress(
                assignment=assignment,
                submitted=sum(1 for learner in learners if learner in handed_in),
                enrolled=len(learners),
                missing=[learner for learner in learners if learner not in handed_in],
            )
        )
    return result


def score_levels(max_points: float) -> list[float]:
    """The scores a question is usually given: every whole point from 0 to its maximum."""
    whole = int(max_points)
    levels = [float(p) for p in range(whole + 1)]
    if max_points != whole:
        levels.append(float(max_points))
    return levels


def score_distributions(book: Gradebook, enrolled: Iterable[str]) -> list[ScoreDistribution]:
    """For each question, how many enrolled learners who submitted earned each score.

    Every whole score from 0 to the question's maximum is listed, also with no learner,
    so a chart shows the gaps; a partial score (1.5) gets its own entry.
    """
    learners = set(enrolled)
    result = []
    for question in book.questions:
        counts = {level: 0 for level in score_levels(question.max_points)}
        ungraded = 0
        for submission in book.submissions:
            if submission.assignment != question.assignment or submission.learner not in learners:
                continue
            points = submission.points.get(question.label)
            if points is None:
                ungraded += 1
            else:
                counts[float(points)] = counts.get(float(points), 0) + 1
        result.append(
            ScoreDistribution(
                question=question, counts=dict(sorted(counts.items())), ungraded=ungraded
            )
        )
    return result


def not_started(book: Gradebook, enrolled: Iterable[str]) -> list[str]:
    """Enrolled learners who have handed in nothing at all, in name order."""
    active = {s.learner for s in book.submissions}
    return sorted(set(enrolled) - active)


def read_gradebook(gradebook) -> Gradebook:
    """The plain records of an nbgrader ``Gradebook`` (opened by the caller)."""
    assignments = sorted(
        gradebook.assignments, key=lambda a: (a.duedate is None, a.duedate, a.name)
    )
    questions: list[Question] = []
    for assignment in assignments:
        for notebook in assignment.notebooks:
            for cell in sorted(notebook.grade_cells, key=lambda c: c.name):
                questions.append(
                    Question(assignment.name, notebook.name, cell.name, float(cell.max_score))
                )
    submissions = []
    for assignment in assignments:
        for submission in assignment.submissions:
            points: dict[str, float | None] = {}
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    label = f"{notebook.name}: {grade.name}"
                    # nbgrader counts a grade nobody gave as 0; here it is "not graded yet".
                    given = grade.manual_score is not None or grade.auto_score is not None
                    points[label] = float(grade.score) if given else None
            submissions.append(Submission(assignment.name, submission.student.id, points))
    return Gradebook([a.name for a in assignments], questions, submissions)


def enrolled_from(
    group_members: Sequence[str] | None, gradebook_students: Sequence[str]
) -> list[str]:
    """The hub group's members when the hub could be asked, else the gradebook's students."""
    return sorted(group_members if group_members is not None else gradebook_students)
