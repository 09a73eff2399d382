"""Where a course's gradebook lives: SQLite in its course folder, or a database server.

One machine keeps nbgrader's default, ``gradebook.db`` in each course folder. Compose and
Kubernetes give the operator's template (``ISOKO_GRADEBOOK_DB_URL``, such as
``postgresql://isoko:...@db:5432/gradebook_{course}``): one database per course, so a
course's graders reach no other course's grades. The URL reaches nbgrader as
``CourseDirectory.db_url`` in the course folder's ``nbgrader_config.py``; every reader of
a gradebook outside nbgrader's own apps asks :func:`course_db_url` for it.
"""

from __future__ import annotations

from pathlib import Path

from isoko.names import GRADEBOOK_FILE, POSTGRES_DRIVER, gradebook_url, with_driver

__all__ = ["GRADEBOOK_FILE", "POSTGRES_DRIVER", "course_db_url", "gradebook_url", "with_driver"]

#: Written into a course folder's nbgrader config: what nbgrader's apps read.
COURSE_CONFIG = "nbgrader_config.py"


def course_db_url(course_dir: Path) -> str:
    """The gradebook URL that nbgrader's apps in ``course_dir`` use, read from the folder's
    ``nbgrader_config.py`` as they read it (nbgrader's default when it says nothing)."""
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    if (Path(course_dir) / COURSE_CONFIG).is_file():
        config = PyFileConfigLoader(COURSE_CONFIG, str(course_dir)).load_config()
    url = CourseDirectory(config=config, root=str(course_dir)).db_url
    return with_driver(url)


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL; None for a database server."""
    prefix = "sqlite:///"
    return Path(url.removeprefix(prefix).split("?", 1)[0]) if url.startswith(prefix) else None


def hidden_password(url: str) -> str:
    """``url`` as it may be printed or logged: the password replaced by ``***``."""
    from sqlalchemy.engine import make_url

    try:
        shown = make_url(url).render_as_string(hide_password=True)
        # SQLAlchemy escapes the braces of a template's {course}.
        return shown.replace("%7Bcourse%7D", "{course}")
    except Exception:  # an unparsable URL is shown only by its scheme
        return url.split(":", 1)[0] + "://..."
