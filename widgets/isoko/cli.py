"""The ``isoko`` command."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from isoko.platform.backup import add_commands as backup_commands
from isoko.platform.config_file import ConfigFileError
from isoko.platform.settings import Settings

TRIAL_WARNING = """\
NOT ISOLATED: the hub is not running as root, so every learner's server runs as
your own account and can read every other learner's files. Use this as a
single-user trial only; run `sudo make hub` for one Unix account per learner."""


def hub(args: argparse.Namespace) -> int:
    from isoko.platform.settings_report import check_settings
    from isoko.startup import SetupError, run

    environ = dict(os.environ)
    if args.port:
        environ["ISOKO_PORT"] = str(args.port)
    try:
        s = Settings.from_environ(checkout=args.checkout, environ=environ)
        # A bad isoko.yaml stops the start here, before anything is changed or started.
        check_settings(s)
        print("Preparing Isoko ...", flush=True)
        run(s)
    except (SetupError, ValueError) as err:
        print(f"isoko hub: {err}", file=sys.stderr)
        return 1
    except (OSError, subprocess.CalledProcessError) as err:
        detail = getattr(err, "stderr", None) or ""
        print(f"isoko hub: preparing failed: {err} {detail}".rstrip(), file=sys.stderr)
        return 1
    url = s.public_url or f"http://{s.ip}:{s.port}/"
    print(f"\nIsoko is starting at {url}")
    print(f"Demo accounts and passwords: {s.demo_accounts_file}")
    print(f"Enrolment codes of the courses: {s.enrolment_codes_file}")
    if not s.as_root:
        print("\n" + TRIAL_WARNING)
    print("Press Ctrl-C to stop the hub and every server it started.\n", flush=True)
    if args.prepare_only:
        return 0
    jupyterhub = shutil.which("jupyterhub", path=str(s.bin_dir)) or "jupyterhub"
    env = {**os.environ, **s.to_environ(), "PATH": f"{s.bin_dir}:{os.environ.get('PATH', '')}"}
    os.chdir(s.state_dir)
    # A shell that starts `make hub` in the background makes it ignore SIGINT, and
    # every server the hub starts would inherit that and sit out the hub's Ctrl-C
    # until it is killed. Servers must stop when asked.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.execve(jupyterhub, [jupyterhub, "-f", str(s.hub_config_file)], env)
    return 0  # not reached


def settings(args: argparse.Namespace) -> int:
    from isoko.hub.config_dir import config_files
    from isoko.platform.settings_report import check_settings, report

    try:
        s = Settings.from_environ(checkout=args.checkout)
        check_settings(s)
    except ValueError as err:
        print(f"isoko settings: {err}", file=sys.stderr)
        return 1
    print(report(s, config_files(s.hub_config_dir)))
    return 0


def course_paths(args: argparse.Namespace) -> list[Path] | None:
    """The course folders named on the command line (default: all), or None if one is not."""
    courses_dir = args.checkout / "courses"
    names = args.courses or sorted(
        p.name for p in courses_dir.iterdir() if (p / "course.yaml").exists()
    )
    paths = [Path(name) if "/" in name else courses_dir / name for name in names]
    unknown = [str(p) for p in paths if not p.is_dir()]
    if unknown:
        print(f"isoko course: no course at {', '.join(unknown)}", file=sys.stderr)
        return None
    return paths


def course_check(args: argparse.Namespace) -> int:
    import time

    from isoko.courses.check import check_courses

    paths = course_paths(args)
    if paths is None:
        return 2
    started = time.monotonic()
    print(f"Checking {len(paths)} course(s): {', '.join(p.name for p in paths)}", flush=True)
    problems = check_courses(paths, log=lambda line: print(line, flush=True))
    took = time.monotonic() - started
    for problem in problems:
        print(f"FAIL {problem}")
    verdict = "all good" if not problems else f"{len(problems)} problem(s)"
    print(f"Course check: {verdict} in {took:.0f} s")
    return 1 if problems else 0


def course_outputs(args: argparse.Namespace) -> int:
    from isoko.courses.outputs import store_and_report

    paths = course_paths(args)
    return 2 if paths is None else store_and_report(paths)


def apps(args: argparse.Namespace) -> int:
    from isoko.courses.apps import FIX_COMMAND, check_apps, write_apps

    courses_dir = args.checkout / "courses"
    if not courses_dir.is_dir():
        print(f"isoko apps: no courses folder at {courses_dir}", file=sys.stderr)
        return 2
    if args.check:
        problems = check_apps(courses_dir)
        for problem in problems:
            where = problem.path.relative_to(args.checkout)
            print(f"isoko apps --check: {where}: {problem.reason}", file=sys.stderr)
        if problems:
            print(f"Run `{FIX_COMMAND}` to make them from the catalog.", file=sys.stderr)
            return 1
        print("App notebooks: all made from the catalog, none stale, missing or orphan")
        return 0
    try:
        fixed = write_apps(courses_dir)
    except ValueError as err:
        print(f"isoko apps: {err}", file=sys.stderr)
        return 1
    for problem in fixed:
        done = "removed" if problem.kind == "orphan" else "wrote"
        print(f"{done} {problem.path.relative_to(args.checkout)}")
    print(f"App notebooks: {len(fixed)} changed")
    return 0


#: Exit codes of `isoko roster`: the file was refused (nothing changed); the command
#: line was wrong; the hub or the gradebook could not be reached.
ROSTER_BAD_FILE, USAGE, ROSTER_UNAVAILABLE = 1, 2, 3


def _roster_course(args: argparse.Namespace):
    """The settings and the course named on the command line, or an error message."""
    from isoko.courses.catalog import load_courses

    s = Settings.from_environ(checkout=args.checkout)
    slugs = [course.slug for course in s.select_courses(load_courses(s.courses_dir))]
    if args.course not in slugs:
        return s, f"no course {args.course!r}: the courses are {', '.join(slugs)}"
    return s, None


def roster_import(args: argparse.Namespace) -> int:
    from isoko.courses.roster import parse_roster, plan_import
    from isoko.hub.config import USERNAME_PATTERN
    from isoko.platform import roster_apply

    s, error = _roster_course(args)
    if error:
        print(f"isoko roster import: {error}", file=sys.stderr)
        return USAGE
    try:
        data = args.file.read_bytes()
    except OSError as err:
        print(f"isoko roster import: cannot read {args.file}: {err.strerror}", file=sys.stderr)
        return USAGE
    rows, problems = parse_roster(data, USERNAME_PATTERN)
    if problems:
        print(f"{args.file}: refused, nothing was changed:", file=sys.stderr)
        for line, problem in problems:
            print(f"  line {line}: {problem}", file=sys.stderr)
        return ROSTER_BAD_FILE
    try:
        api = roster_apply.HubAPI.for_settings(s)
        state = roster_apply.read_state(s, api, args.course, [row.username for row in rows])
        plan = plan_import(rows, state.members, state.accounts, state.gradebook, state.staff)
        if not plan:
            print(f"{args.course}: nothing to change")
            return 0
        passwords = roster_apply.apply_plan(s, api, args.course, rows, plan)
    except roster_apply.RosterUnavailable as err:
        print(f"isoko roster import: {err}", file=sys.stderr)
        return ROSTER_UNAVAILABLE
    print(f"{args.course}: {plan.summary()}")
    if passwords:
        print(
            f"First passwords of the new accounts: {passwords} (readable by root only). "
            "Hand each one out privately; learners change it at /hub/change-password."
        )
    return 0


def roster_export(args: argparse.Namespace) -> int:
    from isoko.courses.roster import export_rows, format_roster
    from isoko.platform import roster_apply

    s, error = _roster_course(args)
    if error:
        print(f"isoko roster export: {error}", file=sys.stderr)
        return USAGE
    try:
        api = roster_apply.HubAPI.for_settings(s)
        members = roster_apply.course_members(api, args.course)
        text = format_roster(
            export_rows(
                members,
                roster_apply.gradebook_names(s, args.course),
                roster_apply.staff_names(s),
            )
        )
    except roster_apply.RosterUnavailable as err:
        print(f"isoko roster export: {err}", file=sys.stderr)
        return ROSTER_UNAVAILABLE
    if args.file is None:
        sys.stdout.write(text)
    else:
        args.file.write_text(text, encoding="utf-8")
        print(f"{args.course}: wrote {len(text.splitlines()) - 1} row(s) to {args.file}")
    return 0


def grades_export(args: argparse.Namespace) -> int:
    from isoko.courses.gradebook_db import course_db_url
    from isoko.courses.grades import export_course

    if args.course_dir is not None:
        course_dir = args.course_dir
    else:
        s = Settings.from_environ(checkout=args.checkout)
        course_dir = s.grader_home(args.course)
    try:
        text = export_course(course_db_url(course_dir), args.course)
    except FileNotFoundError as err:
        print(f"isoko grades export: {err}", file=sys.stderr)
        return 1
    rows = text.count("\n") - 1
    if args.file is None:
        sys.stdout.write(text)
    else:
        args.file.write_text(text, encoding="utf-8")
        print(f"Wrote {rows} rows (learners x assignments) to {args.file}", file=sys.stderr)
        return 0
    print(f"{rows} rows (learners x assignments)", file=sys.stderr)
    return 0


def _become(account: str) -> None:
    """Drop from root to ``account`` for good: the gradebook and files stay its own."""
    import pwd

    entry = pwd.getpwnam(account)
    if entry.pw_uid == 0:
        raise PermissionError(f"refusing to grade as {account}: it is root")
    os.initgroups(account, entry.pw_gid)
    os.setgid(entry.pw_gid)
    os.setuid(entry.pw_uid)
    os.environ.update(HOME=entry.pw_dir, USER=account, LOGNAME=account)
    os.chdir(entry.pw_dir)  # root's working folder may be closed to it


def grade(args: argparse.Namespace) -> int:
    import json
    import pwd

    from isoko.grading import pipeline
    from isoko.grading.journal import AlreadyGrading

    def fail(message: str, code: int = pipeline.EXIT_CANNOT_GRADE) -> int:
        print(f"isoko grade: {message}", file=sys.stderr)
        return code

    if args.workers is not None and args.workers < 1:
        return fail("--workers must be 1 or more", pipeline.EXIT_USAGE)
    if args.course_dir is not None:
        course_dir = args.course_dir
        if not course_dir.is_dir():
            return fail(f"no course folder at {course_dir}")
    else:
        from isoko.courses.catalog import load_courses

        s = Settings.from_environ(checkout=args.checkout)
        slugs = [course.slug for course in load_courses(s.courses_dir)]
        if args.course not in slugs:
            return fail(f"no course {args.course!r}: the courses are {', '.join(slugs)}")
        course_dir = s.grader_home(args.course)
        if not course_dir.is_dir():
            return fail(
                f"the course {args.course} has no grading folder yet at {course_dir} "
                "(start the hub once to prepare it)"
            )
        grader = s.grader_unix_name(args.course)
        if os.geteuid() == 0 and s.as_root:
            try:
                pwd.getpwnam(grader)
            except KeyError:
                return fail(f"the course's grader account {grader} does not exist")
            _become(grader)

    def bar(total: int, skipped: int):
        if args.quiet:
            return None
        from tqdm import tqdm

        return tqdm(
            total=total,
            desc=f"Grading {args.assignment}",
            unit="submission",
            file=sys.stderr,
            bar_format="{desc}: {n_fmt}/{total_fmt} [{elapsed}<{remaining}] {bar}",
            dynamic_ncols=True,
        )

    try:
        code, report, left_alone = pipeline.grade_assignment(
            args.course,
            course_dir,
            args.assignment,
            students=args.student,
            workers=args.workers,
            force=args.force,
            cold=args.cold,
            progress_bar_factory=bar,
        )
    except pipeline.CannotGrade as err:
        return fail(str(err))
    except AlreadyGrading as err:
        return fail(str(err), pipeline.EXIT_ALREADY_GRADING)
    if args.report is not None:
        args.report.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    pipeline.print_result(report, left_alone)
    if report["message"] and code != pipeline.EXIT_OK:
        print(f"isoko grade: {report['message']}", file=sys.stderr)
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="isoko", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_hub = sub.add_parser("hub", help="prepare state, accounts and courses, then run the hub")
    p_hub.add_argument(
        "--checkout",
        type=Path,
        default=Path.cwd(),
        help="the Isoko checkout (default: the current folder)",
    )
    p_hub.add_argument("--port", type=int, help="public port (default 8000 or ISOKO_PORT)")
    p_hub.add_argument(
        "--prepare-only", action="store_true", help="prepare everything but do not start the hub"
    )
    p_hub.set_defaults(func=hub)
    p_settings = sub.add_parser(
        "settings",
        help="print the effective settings and where each came from, then exit",
        description="Defaults, then isoko.yaml in the state directory, then ISOKO_* variables. "
        "Exit codes: 0 the settings are good, 1 they are not (the message names the key).",
    )
    p_settings.add_argument(
        "--checkout",
        type=Path,
        default=Path.cwd(),
        help="the Isoko checkout (default: the current folder)",
    )
    p_settings.set_defaults(func=settings)
    p_course = sub.add_parser("course", help="course tooling").add_subparsers(
        dest="course_command", required=True
    )
    for name, func, helps in (
        ("check", course_check, "prove courses work before release"),
        ("outputs", course_outputs, "run each lesson and store it with its outputs"),
    ):
        p_one = p_course.add_parser(name, help=helps)
        p_one.add_argument("courses", nargs="*", help="course slugs or folders (default: all)")
        p_one.add_argument(
            "--checkout",
            type=Path,
            default=Path.cwd(),
            help="the Isoko checkout (default: the current folder)",
        )
        p_one.set_defaults(func=func)
    p_apps = sub.add_parser("apps", help="write every simulator's app notebook from the catalog")
    p_apps.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 naming each stale, missing or orphan app notebook",
    )
    p_apps.add_argument(
        "--checkout",
        type=Path,
        default=Path.cwd(),
        help="the Isoko checkout (default: the current folder)",
    )
    p_apps.set_defaults(func=apps)
    p_roster = sub.add_parser(
        "roster", help="enrol a course's learners, graders and instructors from a CSV file"
    ).add_subparsers(dest="roster_command", required=True)
    p_import = p_roster.add_parser(
        "import",
        help="create or update accounts, course access and gradebook names from a CSV file",
        description="Columns: username, first name, last name, email, role (learner, grader "
        "or instructor). A file with any bad row changes nothing. Exit codes: 0 done, "
        "1 file refused, 2 usage, 3 hub or gradebook unreachable.",
    )
    p_import.add_argument("course", help="course slug, such as pricing")
    p_import.add_argument("file", type=Path, help="the roster, a UTF-8 CSV file with a header")
    p_import.set_defaults(func=roster_import)
    p_export = p_roster.add_parser(
        "export", help="write the course's members in the roster format (stdout by default)"
    )
    p_export.add_argument("course", help="course slug, such as pricing")
    p_export.add_argument("file", type=Path, nargs="?", help="where to write (default: stdout)")
    p_export.set_defaults(func=roster_export)
    for p in (p_import, p_export):
        p.add_argument(
            "--checkout",
            type=Path,
            default=Path.cwd(),
            help="the Isoko checkout (default: the current folder)",
        )
    backup_commands(sub)
    p_grades = sub.add_parser("grades", help="a course's grades").add_subparsers(
        dest="grades_command", required=True
    )
    p_grades_export = p_grades.add_parser(
        "export",
        help="grades as CSV: nbgrader's export columns, one row per learner per assignment",
    )
    p_grades_export.add_argument("course", help="course slug, such as pricing")
    p_grades_export.add_argument("file", nargs="?", type=Path, help="CSV file (default: print it)")
    p_grades_export.add_argument(
        "--course-dir",
        type=Path,
        help="the course's nbgrader folder (default: its grader's home on this hub)",
    )
    p_grades_export.add_argument(
        "--checkout",
        type=Path,
        default=Path.cwd(),
        help="the Isoko checkout (default: the current folder)",
    )
    p_grades_export.set_defaults(func=grades_export)
    p_grade = sub.add_parser(
        "grade",
        help="autograde every collected submission of an assignment, in parallel sandboxes",
        description="Grades through nbgrader's own autograde (same gradebook, files and "
        "scores), several sandboxed notebooks at a time. A killed run, started again, grades "
        "what is left. Exit codes: 0 finished (problems listed), 1 could not grade, 2 usage, "
        "3 already grading this assignment, 130 stopped.",
    )
    p_grade.add_argument("course", help="course slug, such as pricing")
    p_grade.add_argument("assignment", help="assignment name, such as a01-pricing-basics")
    p_grade.add_argument(
        "--student", action="append", metavar="ID", help="grade only this learner (repeatable)"
    )
    p_grade.add_argument(
        "--workers", type=int, help="notebooks run at once (default: the number of cores)"
    )
    p_grade.add_argument("--force", action="store_true", help="grade again what is already graded")
    p_grade.add_argument(
        "--course-dir",
        type=Path,
        help="an nbgrader course folder (default: the course's grading folder on this hub)",
    )
    p_grade.add_argument(
        "--checkout",
        type=Path,
        default=Path.cwd(),
        help="the Isoko checkout (default: the current folder)",
    )
    p_grade.add_argument("--report", type=Path, help="write the final report here, as JSON")
    p_grade.add_argument("--quiet", action="store_true", help="no progress bar")
    p_grade.add_argument(
        "--cold",
        action="store_true",
        help="a fresh sandbox and kernel for every notebook, one after the other's start "
        "(slower; to compare)",
    )
    p_grade.set_defaults(func=grade)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ConfigFileError as err:
        # Every command reads the settings: a bad isoko.yaml is a message, not a traceback.
        print(f"isoko {args.command}: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
