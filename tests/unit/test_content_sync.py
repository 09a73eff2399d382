"""Course content reaches learners' homes and never overwrites their own changes."""

import pytest

from isoko.courses.catalog import Course
from isoko.courses.content import publish, sync_home, updated_name


@pytest.fixture
def course(tmp_path) -> Course:
    root = tmp_path / "courses" / "demo"
    (root / "lessons").mkdir(parents=True)
    (root / "apps").mkdir()
    (root / "source" / "a01").mkdir(parents=True)
    (root / "lessons" / "01-intro.ipynb").write_text("v1")
    (root / "apps" / "sim.ipynb").write_text("app v1")
    (root / "source" / "a01" / "a01.ipynb").write_text("solution")
    return Course(slug="demo", title="Demo", path=root)


def test_publish_copies_learner_folders_only(tmp_path, course):
    content = tmp_path / "content"
    publish([course], content)
    assert (content / "demo" / "lessons" / "01-intro.ipynb").read_text() == "v1"
    assert (content / "demo" / "apps" / "sim.ipynb").exists()
    assert not (content / "demo" / "source").exists(), "solutions must never be published"
    assert (content / "demo" / "lessons" / "01-intro.ipynb").stat().st_mode & 0o777 == 0o644


def test_first_sync_brings_everything(tmp_path, course):
    content, home = tmp_path / "content", tmp_path / "home"
    publish([course], content)
    report = sync_home(content, home)
    assert sorted(report.added) == ["demo/apps/sim.ipynb", "demo/lessons/01-intro.ipynb"]
    assert (home / "demo" / "lessons" / "01-intro.ipynb").read_text() == "v1"


def test_update_reaches_an_untouched_file(tmp_path, course):
    content, home = tmp_path / "content", tmp_path / "home"
    publish([course], content)
    sync_home(content, home)
    (course.path / "lessons" / "01-intro.ipynb").write_text("v2")
    publish([course], content)
    report = sync_home(content, home)
    assert report.updated == ["demo/lessons/01-intro.ipynb"]
    assert (home / "demo" / "lessons" / "01-intro.ipynb").read_text() == "v2"


def test_learners_change_is_kept_and_update_put_beside_it(tmp_path, course):
    content, home = tmp_path / "content", tmp_path / "home"
    publish([course], content)
    sync_home(content, home)
    lesson = home / "demo" / "lessons" / "01-intro.ipynb"
    lesson.write_text("my notes")
    (course.path / "lessons" / "01-intro.ipynb").write_text("v2")
    publish([course], content)
    report = sync_home(content, home)
    assert report.kept == ["demo/lessons/01-intro.ipynb"]
    assert lesson.read_text() == "my notes"
    assert updated_name(lesson).read_text() == "v2"
    # And it stays the learner's on every later sync.
    sync_home(content, home)
    assert lesson.read_text() == "my notes"


def test_deleted_file_comes_back(tmp_path, course):
    content, home = tmp_path / "content", tmp_path / "home"
    publish([course], content)
    sync_home(content, home)
    (home / "demo" / "apps" / "sim.ipynb").unlink()
    assert sync_home(content, home).added == ["demo/apps/sim.ipynb"]


def test_a_symlink_in_the_home_is_never_followed(tmp_path, course):
    content, home = tmp_path / "content", tmp_path / "home"
    publish([course], content)
    target = tmp_path / "elsewhere.txt"
    target.write_text("do not touch")
    (home / "demo" / "lessons").mkdir(parents=True)
    (home / "demo" / "lessons" / "01-intro.ipynb").symlink_to(target)
    sync_home(content, home)
    assert target.read_text() == "do not touch"


def notebook_text(source: str) -> str:
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    return nbformat.writes(nb)


def test_delivered_notebooks_are_trusted_and_changed_ones_are_not(tmp_path, course, monkeypatch):
    import nbformat
    from nbformat.sign import NotebookNotary

    from isoko.courses.content import trust_delivered

    # The learner's notary lives in their Jupyter data folder.
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "learner-data"))
    (course.path / "lessons" / "01-intro.ipynb").write_text(notebook_text("print(1)"))
    (course.path / "apps" / "sim.ipynb").write_text(notebook_text("print(2)"))
    content, home = tmp_path / "content", tmp_path / "home"
    publish([course], content)
    sync_home(content, home)
    mine = home / "demo" / "apps" / "sim.ipynb"
    mine.write_text(notebook_text("print('the learner changed this')"))

    assert trust_delivered(home) == 1
    notary = NotebookNotary()
    lesson = nbformat.read(home / "demo" / "lessons" / "01-intro.ipynb", as_version=4)
    assert notary.check_signature(lesson)
    assert not notary.check_signature(nbformat.read(mine, as_version=4))
    assert trust_delivered(home) == 0, "a notebook already trusted is not signed again"


def test_the_sync_before_each_start_trusts_without_compiling_an_unused_grammar(tmp_path, course):
    """The hub runs the sync for every learner at a class start: it must stay light."""
    import subprocess
    import sys
    from pathlib import Path

    import isoko

    (course.path / "lessons" / "01-intro.ipynb").write_text(notebook_text("print(1)"))
    content, home = tmp_path / "content", tmp_path / "home"
    publish([course], content)
    probe = (
        "import sys\n"
        "from isoko.courses.content import main\n"
        f"main([{str(content)!r}, {str(home)!r}])\n"
        "print('grammar:', sys.modules.get('rfc3987_syntax') is not None)\n"
    )
    env = {
        "JUPYTER_DATA_DIR": str(tmp_path / "learner-data"),
        "PATH": "/usr/bin:/bin",
        # This checkout's isoko, whichever is installed.
        "PYTHONPATH": str(Path(isoko.__file__).parents[1]),
    }
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    assert "1 notebooks trusted" in done.stdout, done.stdout
    assert "grammar: False" in done.stdout, done.stdout
