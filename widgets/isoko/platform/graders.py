"""The root side of preparing each course for grading: its grader account and folders.

For every course: the grader's Unix account (as root), the course's sources staged where
only that account's group can read them, its exchange folders, and then the grader side
(``python -m isoko.courses.grading``) run *as the grader* to fill its course directory.
"""

from __future__ import annotations

import os
import subprocess
import sys

from isoko.courses.catalog import Course
from isoko.courses.exchange import ensure_course_exchange
from isoko.courses.grading import GRADEBOOK_VARIABLE, stage_sources
from isoko.platform import unix
from isoko.platform.databases import ensure_database
from isoko.platform.settings import Settings


def prepare_graders(s: Settings, courses: list[Course], log=print) -> None:
    """Make every course ready for its formgrader, as root or as a single-user trial."""
    s.graders_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(s.graders_dir, 0o755)
    s.course_sources_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(s.course_sources_dir, 0o711)
    env = {"JUPYTER_CONFIG_PATH": str(s.grader_config_dir), "PATH": f"{s.bin_dir}:/usr/bin:/bin"}
    if s.gradebook_db_url:
        env[GRADEBOOK_VARIABLE] = s.gradebook_db_url
    for course in courses:
        # A database server holds no course's gradebook until Isoko makes it.
        ensure_database(s.gradebook_url(course.slug), log)
        # Every course gets its grader and formgrader, even before it has assignments.
        home = s.grader_home(course.slug)
        staged = s.course_sources_dir / course.slug
        cmd = [
            sys.executable,
            "-m",
            "isoko.courses.grading",
            course.slug,
            str(staged),
            str(home),
            str(s.exchange_dir),
            f"--sandbox-account={s.sandbox_account}",
        ]
        if s.as_root:
            account = s.grader_unix_name(course.slug)
            entry = unix.ensure_account(account, home)
            stage_sources(course, staged, entry.pw_gid)
            ensure_course_exchange(s.exchange_dir, course.slug, entry.pw_uid, entry.pw_gid, log)
            result = unix.run_as(account, cmd, env=env, cwd=home, timeout=900)
        else:
            home.mkdir(parents=True, exist_ok=True)
            stage_sources(course, staged, None)
            ensure_course_exchange(s.exchange_dir, course.slug, None, None, log)
            result = subprocess.run(
                cmd,
                env={**os.environ, **env},
                cwd=home,
                capture_output=True,
                text=True,
                timeout=900,
            )
        if result.returncode != 0:
            # One broken course must not keep every learner off the hub: say so loudly
            # and go on; its formgrader still starts for the instructor to fix it.
            log(
                f"  {course.slug}: {result.stdout.strip()}; NOT READY, not released:\n"
                f"    {result.stderr.strip()}"
            )
            continue
        log(f"  {course.slug}: {result.stdout.strip() or 'ready'}")
