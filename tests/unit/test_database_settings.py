"""database.hub_url and database.gradebook_url: where the hub and each gradebook live."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from isoko.courses.gradebook_db import course_db_url, gradebook_url, hidden_password
from isoko.courses.grades import export_course
from isoko.courses.grading import prepare_course_dir
from isoko.platform.config_file import ConfigFileError
from isoko.platform.settings import Settings
from isoko.platform.settings_report import report

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "s3cret-{pw}"


def settings(tmp_path: Path, text: str | None = None, **env) -> Settings:
    state = tmp_path / "state"
    state.mkdir(parents=True, exist_ok=True)
    if text is not None:
        (state / "isoko.yaml").write_text(text)
    environ = {"ISOKO_STATE_DIR": str(state), "ISOKO_SYSTEM_DIR": str(tmp_path / "sys"), **env}
    return Settings.from_environ(checkout=REPO, environ=environ, as_root=True)


def test_by_default_the_hub_and_each_gradebook_are_sqlite_files_as_before(tmp_path):
    s = settings(tmp_path)
    assert s.db_url == f"sqlite:///{s.state_dir / 'jupyterhub.sqlite'}"
    assert s.gradebook_url("pricing") == f"sqlite:///{s.grader_home('pricing') / 'gradebook.db'}"


def test_postgres_urls_get_the_installed_driver_and_each_course_its_own_database(tmp_path):
    s = settings(
        tmp_path,
        ISOKO_DB_URL="postgresql://isoko:pw@db:5432/jupyterhub",
        ISOKO_GRADEBOOK_DB_URL=f"postgres://isoko:{PASSWORD}@db:5432/gradebook_{{course}}",
    )
    assert s.db_url == "postgresql+psycopg://isoko:pw@db:5432/jupyterhub"
    # A brace in the password is kept as it is: only {course} is replaced.
    assert s.gradebook_url("pricing") == (
        f"postgresql+psycopg://isoko:{PASSWORD}@db:5432/gradebook_pricing"
    )
    assert s.gradebook_url("logistics").endswith("/gradebook_logistics")
    # The hub process rebuilds the same settings from what `isoko hub` hands it.
    assert Settings.from_environ(environ=s.to_environ(), as_root=True) == s


def test_a_gradebook_url_without_the_course_is_refused_naming_the_line(tmp_path):
    text = "database:\n  gradebook_url: postgresql://isoko@db/gradebook\n"
    with pytest.raises(
        ConfigFileError, match=r"isoko.yaml line 2: database.gradebook_url: .*\{course\}"
    ):
        settings(tmp_path, text)
    with pytest.raises(ConfigFileError, match="ISOKO_DB_URL: expected"):
        settings(tmp_path / "other", ISOKO_DB_URL="mysql://isoko@db/hub")


def test_isoko_settings_never_prints_a_database_password(tmp_path):
    s = settings(
        tmp_path,
        ISOKO_DB_URL="postgresql://isoko:hunter22@db:5432/jupyterhub",
        ISOKO_GRADEBOOK_DB_URL="postgresql://isoko:hunter22@db:5432/gradebook_{course}",
    )
    text = report(s, [])
    assert "hunter22" not in text
    assert "postgresql://isoko:***@db:5432/jupyterhub" in text
    assert "gradebook_{course}" in text
    assert hidden_password("postgresql://isoko:hunter22@db/x") == "postgresql://isoko:***@db/x"


def test_the_course_folder_config_points_nbgrader_at_the_gradebook_and_is_the_graders_alone(
    tmp_path,
):
    course_dir, sources = tmp_path / "course", tmp_path / "sources"
    course_dir.mkdir()
    sources.mkdir()
    template = "postgresql://isoko:hunter22@db:5432/gradebook_{course}"
    prepare_course_dir("pricing", sources, course_dir, tmp_path / "exchange", "", template)
    config = course_dir / "nbgrader_config.py"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert course_db_url(course_dir) == gradebook_url("pricing", course_dir, template)
    assert course_db_url(course_dir).endswith("@db:5432/gradebook_pricing")
    # Without a template, nbgrader's default: the file in the course folder.
    prepare_course_dir("pricing", sources, course_dir, tmp_path / "exchange", "")
    assert course_db_url(course_dir) == f"sqlite:///{course_dir / 'gradebook.db'}"


def test_the_grades_export_reads_the_gradebook_the_course_folder_names(tmp_path, monkeypatch):
    from nbgrader.api import Gradebook

    # nbgrader makes the gradebook by running ``alembic`` from the PATH.
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}")

    course_dir, sources = tmp_path / "course", tmp_path / "sources"
    course_dir.mkdir()
    sources.mkdir()
    elsewhere = tmp_path / "elsewhere" / "gradebook_{course}.db"
    elsewhere.parent.mkdir()
    template = f"sqlite:///{elsewhere}"
    prepare_course_dir("pricing", sources, course_dir, tmp_path / "exchange", "", template)
    with Gradebook(course_db_url(course_dir), "pricing") as gb:
        gb.add_student("ama", first_name="Ama", last_name="Uwase")
        gb.add_assignment("a01")
    assert not (course_dir / "gradebook.db").exists()
    text = export_course(course_db_url(course_dir), "pricing")
    assert "a01" in text and "ama" in text and "Uwase" in text
