"""The grade export: nbgrader's columns, names kept, quoted, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from isoko.courses.grades import COLUMNS, export_course, spreadsheet_safe

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def gradebook(tmp_path, monkeypatch) -> Path:
    # nbgrader runs its database migration tool (alembic) from PATH.
    monkeypatch.setenv(
        "PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    )
    database = tmp_path / "gradebook.db"
    with Gradebook(f"sqlite:///{database}", "pricing") as gb:
        gb.add_assignment("a01", duedate="2026-12-01 17:00:00")
        gb.add_student("ama", first_name="Marie", last_name="Uwase, jr", email="ama@example.rw")
        gb.add_student("eve", first_name='=HYPERLINK("http://x")', last_name="-1", email="")
        gb.add_student("bosco")
    return database


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_one_row_per_learner_per_assignment_with_names(gradebook):
    text = export_course(gradebook, "pricing")
    assert text.splitlines()[0] == ",".join(COLUMNS)
    by_id = {row["student_id"]: row for row in rows(text)}
    assert set(by_id) == {"ama", "bosco", "eve"}
    ama = by_id["ama"]
    # A comma in a name stays in its column.
    assert (ama["first_name"], ama["last_name"], ama["email"]) == (
        "Marie",
        "Uwase, jr",
        "ama@example.rw",
    )
    # No submission: no time, nothing earned, as in nbgrader's export.
    assert (ama["timestamp"], ama["score"], ama["assignment"]) == ("", "0", "a01")
    assert by_id["bosco"]["first_name"] == ""


def test_a_name_is_never_a_formula(gradebook):
    eve = {row["student_id"]: row for row in rows(export_course(gradebook, "pricing"))}["eve"]
    assert eve["first_name"] == '\'=HYPERLINK("http://x")'
    assert eve["last_name"] == "'-1"
    assert spreadsheet_safe(-1.5) == "-1.5"  # numbers stay numbers


def test_exporting_never_writes_the_gradebook(gradebook):
    before = gradebook.read_bytes()
    os.chmod(gradebook, 0o444)
    gradebook.parent.chmod(0o555)
    try:
        export_course(gradebook, "pricing")
    finally:
        gradebook.parent.chmod(0o755)
    assert gradebook.read_bytes() == before
    assert sorted(p.name for p in gradebook.parent.iterdir()) == ["gradebook.db"]


def test_no_gradebook_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing has been graded"):
        export_course(tmp_path / "gradebook.db", "pricing")


def test_the_command_writes_a_file_or_prints(gradebook, tmp_path):
    isoko = [sys.executable, "-m", "isoko.cli", "grades", "export", "pricing"]
    course_dir = ["--course-dir", str(gradebook.parent)]
    out = tmp_path / "grades.csv"
    done = subprocess.run([*isoko, str(out), *course_dir], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "3 rows" in done.stderr
    assert rows(out.read_text())[0]["assignment"] == "a01"
    printed = subprocess.run([*isoko, *course_dir], capture_output=True, text=True)
    assert printed.stdout == out.read_text()
    missing = subprocess.run(
        [*isoko, "--course-dir", str(tmp_path / "nowhere")], capture_output=True, text=True
    )
    assert missing.returncode == 1 and "nothing has been graded" in missing.stderr
