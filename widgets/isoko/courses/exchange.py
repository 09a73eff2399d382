"""nbgrader's file exchange on one machine, hardened so the platform, not the learner,
decides who submitted and when.

nbgrader's own exchange trusts names: a world-writable root lets a learner rename a
course folder and plant their own, a submission folder's name says whose it is, and
its ``timestamp.txt`` says when. Here:

* The hub's preparation (as root) owns the layout. The root and each course folder
  belong to root and nobody else may write them; ``outbound/`` and ``feedback/`` belong
  to the course's grader account; ``inbound/`` belongs to the grader too and learners
  may only create entries in it (no listing), with the sticky bit so nobody can rename
  or delete another's submission, and setgid so the grader's group can read them.
* At collect, a submission counts only if its folder and every file in it are owned by
  the Unix account of the student its name claims, and hold nothing but folders and
  regular files (a symbolic link would make the grader copy what it can read, such as
  the instructor's solutions). Anything else is refused, logged and not collected.
* Its time is the latest inode change time (ctime) of its folder and files: the kernel
  sets it and no learner can set it back. That time, not the name or the learner's
  ``timestamp.txt``, picks the newest submission and is written into the collected
  ``timestamp.txt`` that late penalties read.

The classes keep nbgrader's layout and ``path_includes_course``; they are chosen with
``c.ExchangeFactory.<step>`` in the nbgrader config Isoko writes.
"""

from __future__ import annotations

import datetime
import errno
import fnmatch
import os
import pwd
import shutil
import stat
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from dateutil.tz import gettz
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange import default
from traitlets import Unicode

from isoko.names import learner_account_name

#: Folder modes of the exchange. Learners read the root, the course folders and
#: ``outbound/``; ``feedback/`` files are found by a secret hash, so it is not listed.
ROOT_MODE = 0o755
COURSE_MODE = 0o755
OUTBOUND_MODE = 0o755
FEEDBACK_MODE = 0o711
#: Learners may create and enter, not list; sticky: an entry may be renamed or removed
#: only by its owner; setgid: submissions take the grader's group, which may read them.
INBOUND_MODE = 0o3733
#: A submission once handed in: its folder takes the grader's group from ``inbound/``
#: and shuts everybody else out; what is inside may then be readable by all, because a
#: learner cannot give the files the grader's group (nbgrader writes some of them after
#: copying, when the folder has lost its setgid bit).
SUBMISSION_MODE = 0o750
SUBMISSION_INNER_DIR_MODE = 0o755
SUBMISSION_FILE_MODE = 0o644
#: Where preparation moves course folders it did not make (planted through an old,
#: world-writable exchange), with a random tail; only root may look inside. nbgrader's
#: globs skip names that start with a dot.
UNTRUSTED = ".untrusted"

COURSE_FOLDERS = {"outbound": OUTBOUND_MODE, "feedback": FEEDBACK_MODE, "inbound": INBOUND_MODE}


# --- the layout, made by the hub's preparation -------------------------------------------


def ensure_exchange_root(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, ROOT_MODE)


def _owned_folder(path: Path, owners: set[int]) -> bool:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return True
    return stat.S_ISDIR(info.st_mode) and info.st_uid in owners


def _set_aside(root: Path, path: Path, log) -> None:
    # A new folder each time (0700, made, never followed): anything already named like
    # it may itself have been planted.
    untrusted = Path(tempfile.mkdtemp(prefix=f"{UNTRUSTED}-", dir=root))
    target = untrusted / f"{path.parent.name}-{path.name}"
    os.rename(path, target)
    log(f"  exchange: {path} was not made by Isoko; moved to {target}")


def ensure_course_exchange(
    root: Path, course: str, grader_uid: int | None, grader_gid: int | None, log=print
) -> None:
    """Make ``root/course`` and its three folders as described above, keeping content.

    As root, the course folder is root's and its three folders the grader's; in a trial
    (``grader_uid`` None) everything is the hub's own account. Anything in their place
    that another account made is moved aside, never trusted or followed.
    """
    me = os.getuid()
    course_owner = 0 if grader_uid is not None else me
    grader = grader_uid if grader_uid is not None else me
    course_dir = root / course
    # An older Isoko let the grader create the course folder; anyone else's is planted.
    if not _owned_folder(course_dir, {course_owner, grader}):
        _set_aside(root, course_dir, log)
    course_dir.mkdir(exist_ok=True)
    if grader_uid is not None:
        os.chown(course_dir, 0, 0, follow_symlinks=False)
    os.chmod(course_dir, COURSE_MODE)
    for name, mode in COURSE_FOLDERS.items():
        folder = course_dir / name
        if not _owned_folder(folder, {grader}):
            _set_aside(root, folder, log)
        folder.mkdir(exist_ok=True)
        if grader_uid is not None:
            os.chown(folder, grader_uid, grader_gid, follow_symlinks=False)
        # Only the folder itself: its content keeps its owners and change times.
        os.chmod(folder, mode)


# --- what a submission is, as the kernel says -------------------------------------------


class SubmissionRefused(Exception):
    """A submission that is not what its name claims; the message says why."""


def _platform_time(ctime_ns: int) -> datetime.datetime:
    """A ctime as nbgrader compares times: naive UTC, to the microsecond."""
    return datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=ctime_ns // 1000)


def timestamp_text(ctime_ns: int, timezone: str, fmt: str) -> str:
    """A ctime written as nbgrader writes ``timestamp.txt``, read back to the microsecond."""
    utc = _platform_time(ctime_ns).replace(tzinfo=datetime.UTC)
    return utc.astimezone(gettz(timezone)).strftime(fmt)


@dataclass
class CopyRules:
    """nbgrader's ``CourseDirectory`` ignore/include/size rules for what is copied."""

    exclude: list[str]
    include: list[str]
    max_file_size_kb: float | None = None
    max_dir_size_kb: float | None = None

    def excluded(self, name: str) -> bool:
        return any(fnmatch.fnmatch(name, pattern) for pattern in self.exclude)

    def copies_file(self, name: str, size: int) -> bool:
        if self.excluded(name):
            return False
        if self.include and not any(fnmatch.fnmatch(name, p) for p in self.include):
            return False
        return not (self.max_file_size_kb and size > 1000 * self.max_file_size_kb)


def _who(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def _raise(error: OSError) -> None:
    raise SubmissionRefused(f"cannot read {error.filename}: {error.strerror}")


def _open_file(name: str, dir_fd: int) -> int:
    # O_NOFOLLOW: a link swapped in after the check is not followed; O_NONBLOCK: a
    # named pipe does not hang the grader.
    try:
        return os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise SubmissionRefused(f"{name} is a link, not a regular file") from None
        raise SubmissionRefused(f"cannot open {name}: {err.strerror}") from None


def check_and_copy(
    src: Path, expected_uid: int, dest: Path | None = None, rules: CopyRules | None = None
) -> int:
    """Check the submission at ``src`` and return its latest ctime in nanoseconds.

    Every folder and file must be owned by ``expected_uid`` and be a real folder or a
    regular file. With ``dest``, the files the ``rules`` keep are copied there from the
    very descriptors that were checked, so nothing can be swapped in between.
    """
    try:
        return _check_and_copy(src, expected_uid, dest, rules or CopyRules([], []))
    except OSError as err:
        # A learner changing their folder while it is read must cost only their own
        # submission, never the collection of everybody else's.
        raise SubmissionRefused(f"it changed or could not be read: {err}") from None


def _check_and_copy(src: Path, expected_uid: int, dest: Path | None, rules: CopyRules) -> int:
    try:
        top = os.lstat(src)
    except OSError as err:
        raise SubmissionRefused(f"cannot read {src}: {err.strerror}") from None
    if not stat.S_ISDIR(top.st_mode):
        raise SubmissionRefused(f"{src.name} is not a folder")
    latest, copied_bytes, seen_top = 0, 0, False
    for dirpath, dirnames, filenames, dir_fd in os.fwalk(
        src, follow_symlinks=False, onerror=_raise
    ):
        seen_top = True
        folder = os.fstat(dir_fd)
        rel = os.path.relpath(dirpath, src)
        if folder.st_uid != expected_uid:
            where = "the folder" if rel == "." else f"folder {rel}"
            raise SubmissionRefused(
                f"{where} is owned by {_who(folder.st_uid)}, not {_who(expected_uid)}"
            )
        latest = max(latest, folder.st_ctime_ns)
        for name in dirnames:
            # fwalk lists a link to a folder as a folder and then skips it unread; a
            # submission holding one is not what it claims, so say so.
            if not stat.S_ISDIR(os.lstat(name, dir_fd=dir_fd).st_mode):
                raise SubmissionRefused(f"{os.path.join(rel, name)} is not a folder")
        # Excluded folders (checkpoints, caches) are still checked, never copied.
        under_excluded = any(rules.excluded(part) for part in Path(rel).parts)
        if dest is not None and not under_excluded:
            (dest / rel).mkdir(mode=0o755, exist_ok=True)
        for name in filenames:
            fd = _open_file(name, dir_fd)
            try:
                info = os.fstat(fd)
                where = os.path.join(rel, name)
                if not stat.S_ISREG(info.st_mode):
                    raise SubmissionRefused(f"{where} is not a regular file")
                if info.st_uid != expected_uid:
                    raise SubmissionRefused(
                        f"{where} is owned by {_who(info.st_uid)}, not {_who(expected_uid)}"
                    )
                if (
                    dest is not None
                    and not under_excluded
                    and rules.copies_file(name, info.st_size)
                ):
                    with (
                        open(fd, "rb", closefd=False) as source,
                        open(dest / where, "wb") as target,
                    ):
                        shutil.copyfileobj(source, target)
                        copied_bytes += target.tell()
                    if rules.max_dir_size_kb and copied_bytes > 1000 * rules.max_dir_size_kb:
                        raise SubmissionRefused("it is larger than CourseDirectory.max_dir_size")
                # Taken after reading: whatever was read was written no later than this.
                latest = max(latest, os.fstat(fd).st_ctime_ns)
            finally:
                os.close(fd)
    if not seen_top:
        raise SubmissionRefused(f"{src.name} changed while it was read")
    return latest


# --- nbgrader's exchange steps, as Isoko runs them --------------------------------------


class HardenedExchange:
    """What every step shares: the root is made by the hub, never by nbgrader."""

    def ensure_root(self):
        # nbgrader wants a world-writable root; here only root writes it, and the hub's
        # preparation has made it. Reading it is all any step needs.
        if not os.path.isdir(self.root) or not os.access(self.root, os.R_OK | os.X_OK):
            self.fail(f"The exchange {self.root} is missing, please contact your instructor.")

    def ensure_directory(self, path, mode):
        # The hub's preparation makes every exchange folder with its owner and mode.
        if not os.path.isdir(path):
            self.fail(f"{path} is missing: the hub makes it when it starts.")


class Exchange(HardenedExchange, default.Exchange):
    pass


class ExchangeFetchAssignment(HardenedExchange, default.ExchangeFetchAssignment):
    pass


def no_feedback_message(assignment_id: str, submitted: bool) -> str:
    """What a learner reads when they ask for feedback that is not there."""
    assignment = assignment_id or "your assignments"
    if not submitted:
        return f"You have not submitted {assignment} yet, so there is no feedback to fetch."
    return (
        f"No feedback released yet for {assignment}. Your instructor releases it after "
        "grading; try again later."
    )


class ExchangeFetchFeedback(HardenedExchange, default.ExchangeFetchFeedback):
    def init_src(self):
        super().init_src()
        if self.feedback_files:
            return
        # nbgrader would copy nothing and report success: the learner presses "Fetch
        # Feedback" and nothing happens. Failing says why, in the Assignment List too.
        pattern = f"*+{self.coursedir.assignment_id or '*'}+*"
        submitted = any(Path(self.cache_path).glob(pattern))
        self.fail(no_feedback_message(self.coursedir.assignment_id, submitted))


class ExchangeReleaseAssignment(HardenedExchange, default.ExchangeReleaseAssignment):
    pass


class ExchangeReleaseFeedback(HardenedExchange, default.ExchangeReleaseFeedback):
    pass


class ExchangeList(HardenedExchange, default.ExchangeList):
    pass


class ExchangeSubmit(HardenedExchange, default.ExchangeSubmit):
    def copy_files(self):
        super().copy_files()
        # nbgrader leaves the submission folder writable by everyone "so the instructor
        # can delete it"; here only its learner writes it, and the grader's group reads it.
        folder = os.path.join(self.inbound_path, self.assignment_filename)
        self.set_perms(folder, fileperms=SUBMISSION_FILE_MODE, dirperms=SUBMISSION_INNER_DIR_MODE)
        os.chmod(folder, SUBMISSION_MODE)


@dataclass
class Record:
    username: str
    filename: str
    timestamp: datetime.datetime


class ExchangeCollect(HardenedExchange, default.ExchangeCollect):
    learner_unix_prefix = Unicode(
        None,
        allow_none=True,
        help=(
            "Prefix of the learners' Unix accounts: the submission of student x must be "
            "owned by <prefix>x. None: every learner runs as the collecting account (trial)."
        ),
    ).tag(config=True)

    def expected_uid(self, student_id: str) -> int:
        if self.learner_unix_prefix is None:
            return os.getuid()
        try:
            account = learner_account_name(self.learner_unix_prefix, student_id)
            return pwd.getpwnam(account).pw_uid
        except (KeyError, ValueError):
            raise SubmissionRefused(f"no learner's Unix account for {student_id!r}") from None

    def enrolled_learners(self) -> set[str] | None:
        """Who is in the course's learner group now, asked of the hub; None outside a hub.

        Leaving the group ends a learner's access through nbgrader, but the exchange's
        folders are shared by every learner account: a removed learner could still drop
        a submission into ``inbound/`` by hand. Collect takes only enrolled learners'.
        """
        api_url = os.environ.get("JUPYTERHUB_API_URL")
        token = os.environ.get("JUPYTERHUB_API_TOKEN")
        if not api_url or not token:
            return None
        import requests

        group = f"nbgrader-{self.coursedir.course_id}"
        try:
            reply = requests.get(
                f"{api_url}/groups/{group}",
                headers={"Authorization": f"token {token}"},
                timeout=30,
            )
            reply.raise_for_status()
        except requests.RequestException as err:
            self.fail(f"Cannot ask the hub who is enrolled in {group}: {err}")
        return set(reply.json().get("users") or [])

    def refuse(self, filename: str, reason: str) -> None:
        self.log.error(
            "REFUSED submission %s in %s: %s. It is not collected.",
            filename,
            self.inbound_path,
            reason,
        )

    def copy_rules(self) -> CopyRules:
        return CopyRules(
            exclude=list(self.coursedir.ignore),
            include=list(self.coursedir.include),
            max_file_size_kb=self.coursedir.max_file_size,
            max_dir_size_kb=self.coursedir.max_dir_size,
        )

    def inbound_entries(self) -> list[str]:
        return sorted(os.listdir(self.inbound_path))

    def init_src(self):
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail(f"Course not found: {self.inbound_path}")
        if not os.access(self.inbound_path, os.R_OK | os.X_OK):
            self.fail(f"You don't have read permissions for the directory: {self.inbound_path}")
        wanted = self.coursedir.student_id or "*"
        enrolled = self.enrolled_learners()
        prefix = f"+{self.coursedir.assignment_id}+"
        by_student: dict[str, list[Record]] = defaultdict(list)
        for filename in self.inbound_entries():
            # <student>+<assignment>+<time>[+<random>]: only the student part is used,
            # and only as a claim to check.
            parts = filename.rsplit("+", 3)
            if len(parts) < 3 or f"+{parts[1]}+" != prefix:
                continue
            student = os.path.basename(parts[0])
            if not fnmatch.fnmatch(student, wanted):
                continue
            if enrolled is not None and student not in enrolled:
                self.refuse(filename, f"{student!r} is not enrolled in {self.coursedir.course_id}")
                continue
            try:
                ctime_ns = check_and_copy(
                    Path(self.inbound_path) / filename, self.expected_uid(student)
                )
            except SubmissionRefused as refused:
                self.refuse(filename, str(refused))
                continue
            by_student[student].append(Record(student, filename, _platform_time(ctime_ns)))

        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                self.duedate = gb.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                self.duedate = None
        self.src_records = []
        for records in by_student.values():
            records.sort(key=lambda r: r.timestamp, reverse=True)
            if self.duedate is not None and self.before_duedate:
                in_time = [r for r in records if r.timestamp <= self.duedate]
                records = in_time or records
            self.src_records.append(records[0])

    def copy_files(self):
        if not self.src_records:
            self.log.warning(
                "No submissions of '%s' for course '%s' to collect",
                self.coursedir.assignment_id,
                self.coursedir.course_id,
            )
        for rec in self.src_records:
            self.collect_one(rec)

    def collect_one(self, rec: Record) -> None:
        student, assignment = rec.username, self.coursedir.assignment_id
        dest = Path(
            self.coursedir.format_path(self.coursedir.submitted_directory, student, assignment)
        )
        if dest.is_dir():
            existing = self.coursedir.get_existing_timestamp(str(dest))
            newer = existing is None or rec.timestamp > existing
            if not (self.update and newer) and not (
                self.before_duedate and existing != rec.timestamp
            ):
                self.log.info("No newer submission to collect: %s %s", student, assignment)
                return
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial = dest.with_name(dest.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        try:
            ctime_ns = check_and_copy(
                Path(self.inbound_path) / rec.filename,
                self.expected_uid(student),
                dest=partial,
                rules=self.copy_rules(),
            )
        except SubmissionRefused as refused:
            shutil.rmtree(partial, ignore_errors=True)
            self.refuse(rec.filename, str(refused))
            return
        # The platform's time, whatever the learner wrote in their own timestamp.txt.
        (partial / "timestamp.txt").write_text(
            timestamp_text(ctime_ns, self.timezone, self.timestamp_format)
        )
        if dest.exists():
            self.log.info("Updating submission: %s %s", student, assignment)
            shutil.rmtree(dest)
        else:
            self.log.info("Collecting submission: %s %s", student, assignment)
        os.rename(partial, dest)
