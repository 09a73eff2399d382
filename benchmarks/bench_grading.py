"""Benchmark: one assignment of a class graded by stock nbgrader and by ``isoko grade``.

``make bench-grading`` (``N=`` learners, default 60; or, from the checkout,
``PYTHONPATH=tests python benchmarks/bench_grading.py``) builds a class of synthetic
submissions of the pricing course's ``a02-price-from-sales-data`` (pandas; some learners
draw a matplotlib chart), a seeded mix of right, partly right and wrong answers, and
grades the same files twice:

* **stock**: plain ``nbgrader autograde`` in a course folder holding only the course's
  own ``nbgrader_config.py``, run as a throwaway unprivileged account under ``prlimit``
  (stock nbgrader runs learner code with its caller's rights and no limits);
* **isoko**: ``isoko grade`` in a course folder with the course's config and Isoko's
  grading settings, learner code in the sandbox as a throwaway sandbox account.

Both wall times cover the class's learners only. Then the bad-submission fixtures
(:mod:`support.bad_submissions`, shared with the tests) join the class: stock nbgrader
grades each alone (it may crash or hang on them; each run has a wall-clock limit), and
``isoko grade --force`` grades the whole class with them in one run, after which every
learner's scores must still be what stock nbgrader gave them. Every score is compared
per learner, notebook and grade cell; ONE line of JSON goes to standard output,
progress and the phases of the Isoko run to standard error.

What bounds the Isoko run is timed apart and said on standard error (``isoko_phases``
in the JSON): from the progress file, sampled every 0.1 s, the time to the first
notebook graded and the pace after it; ``main_thread_s_per_notebook``, the pipeline's
own nbgrader work (sanitize, gradebook, the autograde pass) with a pool that runs
nothing, which no number of workers shortens; and the sandbox's seconds per notebook,
cold, warm one at a time, and warm with every worker busy.

Everything lives under one temporary folder, removed at the end with both accounts and
whatever they still run (``--keep`` keeps the folder). Nothing listens on a network;
kernels of the stock run talk to nbgrader on loopback only.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import os
import pwd
import random
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nbformat

from support.bad_submissions import BAD_SUBMISSIONS

#: The tests' folder of this checkout: the helpers this benchmark shares with them.
TESTS_DIR = Path(__file__).resolve().parents[1] / "tests"
COURSE = "pricing"
ASSIGNMENT = "a02-price-from-sales-data"
NOTEBOOK = "price-from-sales-data"
DEFAULT_LEARNERS = 60
DEFAULT_SEED = 9
LEARNER_NAME = "learner{:03d}"
#: Student ids of the bad fixtures: the fixture's name after this prefix.
BAD_PREFIX = "bad-"

#: Limits of the stock run (``prlimit``): what stock nbgrader lacks, so that a bad
#: fixture cannot take the machine. Generous enough that no honest notebook notices.
STOCK_ADDRESS_SPACE_BYTES = 3 * 1024**3
STOCK_PROCESSES = 256
STOCK_FILE_BYTES = 256 * 1024**2
STOCK_CPU_SECONDS = 900
#: Wall-clock limit of stock nbgrader on one bad fixture, in seconds.
STOCK_FIXTURE_WALL_SECONDS = 240
#: Wall-clock limit of one whole grading run, in seconds.
RUN_WALL_SECONDS = 3600


# --- the class: answers, learners, expected scores ----------------------------------------


@dataclass(frozen=True)
class Answer:
    """One way to fill an answer cell: its source, and whether it is right."""

    source: str
    right: bool
    chart: bool = False


#: Grade cells and the answer cells they use: the first is the answer the cell tests,
#: the others answers it builds on (a wrong one there may or may not cost the points).
GRADE_CELL_ANSWERS: dict[str, tuple[str, ...]] = {
    "test_revenue_rwf_by_channel": ("revenue_rwf_by_channel",),
    "test_weekly_sales": ("weekly_sales",),
    "test_elasticity": ("elasticity",),
    "test_elasticities": ("elasticities", "weekly_sales", "elasticity"),
    "test_best_prices": ("best_prices", "elasticities", "weekly_sales", "elasticity"),
}

CHART = """
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(8, 4))
for channel in CHANNELS:
    weeks = weekly_sales(orders, channel)
    ax.plot(range(len(weeks)), weeks["packs"], label=channel)
ax.set_xlabel("week (promotion weeks left out)")
ax.set_ylabel("packs sold")
ax.set_title("Weekly sales by channel")
ax.legend()
plt.show()
"""

#: Ways learners answer, besides the instructor's solution ("solution") and the released
#: stub left as it is ("blank"). Right ones are other correct code; wrong ones are
#: mistakes learners make, each caught by the visible or the hidden tests.
VARIANTS: dict[str, dict[str, Answer]] = {
    "revenue_rwf_by_channel": {
        "pivot": Answer(
            'orders["revenue_rwf"] = orders.unit_price * orders.packs * orders.rwf_per_unit\n'
            "revenue_rwf_by_channel = orders.pivot_table(\n"
            '    index="channel", values="revenue_rwf", aggfunc="sum"\n'
            ')["revenue_rwf"]\n',
            right=True,
        ),
        "forgot-exchange-rate": Answer(
            'orders["revenue_rwf"] = orders["unit_price"] * orders["packs"]\n'
            'revenue_rwf_by_channel = orders.groupby("channel")["revenue_rwf"].sum()\n',
            right=False,
        ),
        "a-dict": Answer(
            "revenue_rwf_by_channel = {}\n"
            "for channel in CHANNELS:\n"
            '    rows = orders[orders["channel"] == channel]\n'
            "    revenue_rwf_by_channel[channel] = (\n"
            '        rows["unit_price"] * rows["packs"] * rows["rwf_per_unit"]\n'
            "    ).sum()\n",
            right=False,
        ),
    },
    "weekly_sales": {
        "week-column": Answer(
            "def weekly_sales(orders, channel):\n"
            "    rows = orders[orders.channel.eq(channel) & orders.promo.eq(0)].copy()\n"
            '    rows["week"] = rows["date"].dt.to_period("W").dt.start_time\n'
            '    weeks = rows.groupby("week").agg(price=("unit_price", "max"), '
            'packs=("packs", "sum"))\n'
            "    return weeks.sort_index().reset_index()\n",
            right=True,
        ),
        "kept-promotions": Answer(
            "def weekly_sales(orders, channel):\n"
            '    rows = orders[orders["channel"] == channel]\n'
            '    week = rows["date"].dt.to_period("W").dt.start_time\n'
            '    return rows.groupby(week).agg(price=("unit_price", "first"), '
            'packs=("packs", "sum"))\n',
            right=False,
        ),
        "by-day": Answer(
            "def weekly_sales(orders, channel):\n"
            '    rows = orders[(orders["channel"] == channel) & (orders["promo"] == 0)]\n'
            '    return rows.groupby("date").agg(price=("unit_price", "first"), '
            'packs=("packs", "sum"))\n',
            right=False,
        ),
    },
    "elasticity": {
        "arrays": Answer(
            "def elasticity(prices, packs):\n"
            "    x = np.log(np.asarray(prices, dtype=float))\n"
            "    y = np.log(np.asarray(packs, dtype=float))\n"
            "    return float(np.polyfit(x, y, 1)[0])\n",
            right=True,
        ),
        "no-logs": Answer(
            "def elasticity(prices, packs):\n    return float(np.polyfit(prices, packs, 1)[0])\n",
            right=False,
        ),
        "upside-down": Answer(
            "def elasticity(prices, packs):\n"
            "    return float(np.polyfit(np.log(packs), np.log(prices), 1)[0])\n",
            right=False,
        ),
    },
    "elasticities": {
        "comprehension": Answer(
            "elasticities = {\n"
            "    channel: elasticity(weekly_sales(orders, channel)['price'],\n"
            "                        weekly_sales(orders, channel)['packs'])\n"
            "    for channel in CHANNELS\n"
            "}\n",
            right=True,
        ),
        "lost-the-sign": Answer(
            "elasticities = {}\n"
            "for channel in CHANNELS:\n"
            "    weeks = weekly_sales(orders, channel)\n"
            '    elasticities[channel] = abs(elasticity(weeks["price"], weeks["packs"]))\n',
            right=False,
        ),
        "one-channel": Answer(
            'weeks = weekly_sales(orders, "own shop")\n'
            'elasticities = {"own shop": elasticity(weeks["price"], weeks["packs"])}\n',
            right=False,
        ),
    },
    "best_prices": {
        "step-by-step": Answer(
            "best_prices = {}\n"
            "for channel in CHANNELS:\n"
            "    e = elasticities[channel]\n"
            "    markup = e / (1 + e)\n"
            "    cost_before_fees = COST_RWF[channel] / (1 - FEES[channel])\n"
            "    best_prices[channel] = cost_before_fees * markup / RWF_PER_UNIT[channel]\n",
            right=True,
        ),
        "left-in-francs": Answer(
            "best_prices = {}\n"
            "for channel, e in elasticities.items():\n"
            "    best_prices[channel] = COST_RWF[channel] / (1 - FEES[channel]) * e / (1 + e)\n",
            right=False,
        ),
        "fifty-percent-markup": Answer(
            "best_prices = {\n"
            "    channel: COST_RWF[channel] * 1.5 / RWF_PER_UNIT[channel] for channel in CHANNELS\n"
            "}\n",
            right=False,
        ),
    },
    "written_best_price": {
        "short": Answer(
            "Not yet. Promotion weeks and the busy months can bend the estimate, and the "
            "Amazon price is at the edge of the prices I tried. I would test the new price "
            "for a few weeks first.\n",
            right=True,
        ),
    },
}


def strip_solution_markers(source: str) -> str:
    """The instructor's solution as a learner would type it: no nbgrader markers."""
    return "".join(
        line
        for line in source.splitlines(keepends=True)
        if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")
    )


def solutions(source_nb: Mapping) -> dict[str, str]:
    """Grade id -> the instructor's answer, for every answer cell of the source."""
    found = {}
    for cell in source_nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution"):
            found[meta["grade_id"]] = strip_solution_markers(_text(cell["source"]))
    return found


def grade_points(source_nb: Mapping) -> dict[str, float]:
    """Grade id -> points of every autograded test cell of the source."""
    return {
        cell["metadata"]["nbgrader"]["grade_id"]: float(cell["metadata"]["nbgrader"]["points"])
        for cell in source_nb["cells"]
        if cell["cell_type"] == "code" and cell.get("metadata", {}).get("nbgrader", {}).get("grade")
    }


def _text(source: str | list[str]) -> str:
    return source if isinstance(source, str) else "".join(source)


@dataclass
class Learner:
    """One synthetic learner: which way they answered each cell, and with what."""

    student: str
    profile: str
    choices: dict[str, str] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)
    right: dict[str, bool] = field(default_factory=dict)
    chart: bool = False
    submitted_at: datetime = field(default_factory=lambda: datetime(2026, 12, 1, tzinfo=UTC))

    def expected(self, points: Mapping[str, float]) -> dict[str, float | None]:
        """Grade id -> the score this learner must get: all the points when every answer
        the cell uses is right, zero when the answer it tests is wrong, None (either) when
        only an answer it builds on is wrong."""
        found: dict[str, float | None] = {}
        for grade_id, uses in GRADE_CELL_ANSWERS.items():
            if all(self.right[a] for a in uses):
                found[grade_id] = points[grade_id]
            elif not self.right[uses[0]]:
                found[grade_id] = 0.0
            else:
                found[grade_id] = None
        return found


#: (profile, share of the class, chance that each answer is right, chance that a
#: wrong one is the stub left blank rather than a mistake).
PROFILES = (("strong", 0.45, 1.0, 0.0), ("partial", 0.40, 0.6, 0.25), ("weak", 0.15, 0.1, 0.5))


def build_class(source_nb: Mapping, learners: int, seed: int = DEFAULT_SEED) -> list[Learner]:
    """``learners`` synthetic learners, the same for the same seed."""
    rng = random.Random(seed)
    answers = solutions(source_nb)
    start = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    names = [p[0] for p in PROFILES]
    weights = [p[1] for p in PROFILES]
    settings = {p[0]: p[2:] for p in PROFILES}
    built = []
    for index in range(1, learners + 1):
        profile = rng.choices(names, weights)[0]
        p_right, p_blank = settings[profile]
        learner = Learner(
            student=LEARNER_NAME.format(index),
            profile=profile,
            submitted_at=start + timedelta(seconds=rng.randrange(3 * 24 * 3600)),
        )
        for cell_id, solution in answers.items():
            variants = VARIANTS.get(cell_id, {})
            if rng.random() < p_right:
                rights = ["solution", *(n for n, a in variants.items() if a.right)]
                choice = rng.choice(rights)
            elif rng.random() < p_blank or not any(not a.right for a in variants.values()):
                choice = "blank"
            else:
                choice = rng.choice([n for n, a in variants.items() if not a.right])
            learner.choices[cell_id] = choice
            learner.right[cell_id] = choice not in ("blank",) and (
                choice == "solution" or variants[choice].right
            )
            if choice == "solution":
                learner.answers[cell_id] = solution
            elif choice != "blank":
                learner.answers[cell_id] = variants[choice].source
        # Some learners draw weekly sales where they measure the elasticities.
        if "elasticities" in learner.answers and rng.random() < 0.5:
            learner.chart = True
            learner.answers["elasticities"] += CHART
        built.append(learner)
    return built


def submission(released_nb: Mapping, answers: Mapping[str, str]) -> dict:
    """The released notebook with its answer cells filled in; the others left alone."""
    nb = copy.deepcopy(dict(released_nb))
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") in answers:
            cell["source"] = answers[meta["grade_id"]]
    return nb


def write_submission(
    submitted: Path, student: str, notebook: bytes, data_files: Iterable[Path], at: datetime
) -> None:
    """One learner's folder as nbgrader's collect leaves it, with its time."""
    folder = submitted / student / ASSIGNMENT
    folder.mkdir(parents=True)
    (folder / f"{NOTEBOOK}.ipynb").write_bytes(notebook)
    for path in data_files:
        shutil.copy2(path, folder / path.name)
    (folder / "timestamp.txt").write_text(at.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))


# --- scores, compared -------------------------------------------------------------------


ScoreKey = tuple[str, str, str]  # (student, notebook, grade id)


def gradebook_scores(db: Path, students: Iterable[str] | None = None) -> dict[ScoreKey, object]:
    """(student, notebook, grade id) -> the autograded score in an nbgrader gradebook.

    A cell that was not autograded (a written answer) has None. Only ``students``, if
    given; a student with no graded submission has no keys.
    """
    from nbgrader.api import Gradebook, MissingEntry

    wanted = None if students is None else set(students)
    found: dict[ScoreKey, object] = {}
    with Gradebook(f"sqlite:///{db}", course_id=COURSE) as gb:
        for student in gb.students:
            if wanted is not None and student.id not in wanted:
                continue
            try:
                sub = gb.find_submission(ASSIGNMENT, student.id)
            except MissingEntry:
                continue
            for nb in sub.notebooks:
                for grade in nb.grades:
                    found[(student.id, nb.name, grade.name)] = grade.auto_score
    return found


MISSING = "missing"


def compare_scores(
    stock: Mapping[ScoreKey, object], isoko: Mapping[ScoreKey, object]
) -> list[dict[str, object]]:
    """Every cell whose score differs between the two gradebooks (``"missing"`` where one
    has no score for it), sorted by learner, notebook and cell."""
    differing = []
    for key in sorted(set(stock) | set(isoko)):
        left, right = stock.get(key, MISSING), isoko.get(key, MISSING)
        if not _same_score(left, right):
            student, notebook, grade_id = key
            differing.append(
                {
                    "student": student,
                    "notebook": notebook,
                    "cell": grade_id,
                    "stock": left,
                    "isoko": right,
                }
            )
    return differing


def _same_score(left: object, right: object) -> bool:
    if isinstance(left, int | float) and isinstance(right, int | float):
        return abs(float(left) - float(right)) < 1e-9
    return left == right


# --- the summary --------------------------------------------------------------------------


#: Differing cells listed in the summary line; more are only counted.
MAX_LISTED = 40


def per_second(count: int, seconds: float | None) -> float | None:
    return round(count / seconds, 2) if seconds else None


def summarize(
    learners: int,
    workers: int,
    stock_seconds: float,
    isoko_seconds: float,
    differing: list[dict[str, object]],
    extra: Mapping[str, object] | None = None,
    finished: bool = True,
) -> dict[str, object]:
    """The one-line result: both wall times over the same ``learners`` notebooks.

    ``finished``: both runs ended normally; if not, there is no ratio to speak of. At
    most ``MAX_LISTED`` differing cells are listed; ``differing_count`` counts them all.
    """
    summary: dict[str, object] = {
        "learners": learners,
        "notebooks": learners,
        "workers": workers,
        "cores": os.cpu_count(),
        "stock_seconds": round(stock_seconds, 2),
        "isoko_seconds": round(isoko_seconds, 2),
        "stock_notebooks_per_second": per_second(learners, stock_seconds),
        "isoko_notebooks_per_second": per_second(learners, isoko_seconds),
        "ratio": round(stock_seconds / isoko_seconds, 2) if isoko_seconds and finished else None,
        "identical_scores": not differing,
        "differing_count": len(differing),
        "differing_cells": differing[:MAX_LISTED],
    }
    summary.update(extra or {})
    return summary


def learner_count(arg: int | None, environ: Mapping[str, str]) -> int:
    """N from the command line, else ``ISOKO_BENCH_LEARNERS``, else 60."""
    text = str(arg) if arg is not None else environ.get("ISOKO_BENCH_LEARNERS", "")
    try:
        count = int(text or DEFAULT_LEARNERS)
    except ValueError:
        raise ValueError(f"the number of learners must be a whole number, not {text!r}") from None
    if not 1 <= count <= 999:
        raise ValueError(f"the number of learners must be between 1 and 999, not {count}")
    return count


# --- progress of the Isoko run ------------------------------------------------------------


def phases_from_samples(samples: list[tuple[float, int]], ended: float) -> dict[str, float | None]:
    """Phases of a grading run from (seconds since its start, notebooks done) samples.

    ``until_first_s``: from the start to the first notebook done (start-up, the pool
    starting, one notebook); ``steady_s_per_notebook``: the pace between the first and
    the last notebook done; ``tail_s``: from the last done to the command's exit.
    """
    moves = [(t, d) for (t, d) in samples if d > 0]
    if not moves:
        return {"until_first_s": None, "steady_s_per_notebook": None, "tail_s": None}
    first_t = next(t for t, d in moves if d == moves[0][1])
    last_done = moves[-1][1]
    last_t = next(t for t, d in moves if d == last_done)
    steady = None
    if last_done > moves[0][1]:
        steady = (last_t - first_t) / (last_done - moves[0][1])
    return {
        "until_first_s": round(first_t, 2),
        "steady_s_per_notebook": None if steady is None else round(steady, 3),
        "tail_s": round(ended - last_t, 2),
    }


class ProgressSampler(threading.Thread):
    """Reads the progress file of a running ``isoko grade`` every 0.1 s."""

    def __init__(self, path: Path, started: float):
        super().__init__(daemon=True)
        self.path, self.started = path, started
        self.samples: list[tuple[float, int]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(0.1):
            try:
                done = int(json.loads(self.path.read_text()).get("done") or 0)
            except (OSError, ValueError, TypeError):
                continue
            self.samples.append((time.monotonic() - self.started, done))

    def stop(self) -> None:
        self.stopping.set()
        self.join(5)


# --- the machine's side: accounts, folders, runs ------------------------------------------


def make_account(name: str) -> pwd.struct_passwd:
    """A throwaway system account with no home and no shell, owning nothing yet."""
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent"]
        + ["--shell", "/usr/sbin/nologin", "--user-group", name],
        check=True,
        capture_output=True,
    )
    entry = pwd.getpwnam(name)
    if entry.pw_uid == 0:
        raise RuntimeError(f"refusing to use {name!r}: it is root")
    return entry


def remove_account(name: str, own_folder: Path, since: float) -> list[str]:
    """Kill what ``name`` runs, delete its stray files in shared temporary folders (but
    not in ``own_folder``, the benchmark's), then the account; returns the strays."""
    from isoko.platform.unix import kill_processes_of

    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        return []
    kill_processes_of(entry.pw_uid)
    strays = []
    for top in ("/tmp", "/var/tmp", "/dev/shm"):
        found = subprocess.run(
            ["find", top, "-xdev", "(", "-path", str(own_folder), "-prune", ")", "-o"]
            + ["(", "-user", str(entry.pw_uid), "-prune", "-print", ")"],
            capture_output=True,
            text=True,
        ).stdout.split("\n")
        for path in filter(None, found):
            with contextlib.suppress(OSError):
                # Only what appeared during this run: the account's number may be an old
                # account's, whose files are none of the benchmark's business.
                if os.lstat(path).st_ctime < since:
                    continue
            strays.append(path)
            with contextlib.suppress(OSError):
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path)
                else:
                    os.unlink(path)
    subprocess.run(["userdel", "--force", name], capture_output=True)
    subprocess.run(["groupdel", name], capture_output=True)
    return strays


def isolated_env(home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """An environment that reads no Jupyter or IPython configuration but the course's."""
    bin_dir = str(Path(sys.executable).parent)
    return {
        # nbgrader runs its database migrations (alembic) from PATH.
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "TMPDIR": str(home / "tmp"),
        "JUPYTER_CONFIG_DIR": str(home / "jupyter-config"),
        "JUPYTER_DATA_DIR": str(home / "jupyter-data"),
        "JUPYTER_RUNTIME_DIR": str(home / "jupyter-runtime"),
        "IPYTHONDIR": str(home / "ipython"),
        "MPLCONFIGDIR": str(home / "matplotlib"),
        "JUPYTER_NO_CONFIG": "1",
        "JUPYTER_PLATFORM_DIRS": "1",
        **(extra or {}),
    }


def stock_command(args: list[str], uid: int, gid: int) -> list[str]:
    """``args`` as ``uid`` under the stock run's limits (set by root, kept after setuid)."""
    return [
        "prlimit",
        f"--as={STOCK_ADDRESS_SPACE_BYTES}",
        f"--nproc={STOCK_PROCESSES}",
        f"--fsize={STOCK_FILE_BYTES}",
        f"--cpu={STOCK_CPU_SECONDS}",
        "--core=0",
        "--",
        "setpriv",
        f"--reuid={uid}",
        f"--regid={gid}",
        "--clear-groups",
        "--",
        *args,
    ]


@dataclass
class RunResult:
    seconds: float
    returncode: int | None
    output: str
    #: CPU time (user and system) of the command and everything it started.
    cpu_seconds: float = 0.0

    @property
    def timed_out(self) -> bool:
        return self.returncode is None


def timed_run(
    cmd: list[str], cwd: Path, env: Mapping[str, str], wall_seconds: float, log_file: Path
) -> RunResult:
    """Run ``cmd``, its output to ``log_file``; kill its process group after the wall."""
    started = time.monotonic()
    cpu_before = children_cpu_seconds()
    group = CpuGroup(f"isoko-bench-{os.getpid()}-{log_file.stem}")
    with log_file.open("w") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=dict(env),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        group.add(proc.pid)
        try:
            returncode: int | None = proc.wait(wall_seconds)
        except subprocess.TimeoutExpired:
            returncode = None
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        except BaseException:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
    seconds = time.monotonic() - started
    cpu = group.seconds()
    if cpu is None:
        cpu = children_cpu_seconds() - cpu_before
    group.remove()
    return RunResult(seconds, returncode, log_file.read_text(errors="replace"), cpu)


class CpuGroup:
    """A cgroup that counts the CPU time of one command and of everything it starts,
    including what runs through sudo in a sandbox and what is killed rather than waited
    for (cgroups v2 ``cpu.stat``, or v1 ``cpuacct``). ``seconds()`` is None where the
    machine offers neither."""

    def __init__(self, name: str):
        self.path: Path | None = None
        unified = Path("/sys/fs/cgroup")
        if (unified / "cgroup.controllers").is_file():
            candidates = [unified / name]
        else:
            candidates = [unified / "cpuacct" / name, unified / "cpu,cpuacct" / name]
        for path in candidates:
            with contextlib.suppress(OSError):
                path.mkdir()
                self.path = path
                return

    def add(self, pid: int) -> None:
        if self.path is not None:
            with contextlib.suppress(OSError):
                (self.path / "cgroup.procs").write_text(str(pid))

    def seconds(self) -> float | None:
        if self.path is None:
            return None
        try:
            if (self.path / "cpu.stat").is_file():
                for line in (self.path / "cpu.stat").read_text().splitlines():
                    key, _, value = line.partition(" ")
                    if key == "usage_usec":
                        return int(value) / 1e6
                return None
            return int((self.path / "cpuacct.usage").read_text()) / 1e9
        except (OSError, ValueError):
            return None

    def remove(self) -> None:
        """Hand what is still in it (nothing, normally) to the parent, then remove it."""
        if self.path is None:
            return
        with contextlib.suppress(OSError):
            for pid in (self.path / "cgroup.procs").read_text().split():
                with contextlib.suppress(OSError):
                    (self.path.parent / "cgroup.procs").write_text(pid)
            self.path.rmdir()


def children_cpu_seconds() -> float:
    """CPU time of this process's waited-for descendants so far: the runs are one after
    the other, so a difference is one run's, whatever else the machine is doing."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class Bench:
    """The temporary folder, the accounts, and the two course folders."""

    checkout: Path
    learners: int
    workers: int
    seed: int = DEFAULT_SEED
    log: Callable[[str], None] = print
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="isoko-grading-")))
    tag: str = field(default_factory=lambda: secrets.token_hex(2))
    started: float = field(default_factory=time.time)
    #: ``isoko grade --cold``: a fresh sandbox per notebook instead of the warm pool.
    cold: bool = False

    @property
    def stock_account(self) -> str:
        return f"g{self.tag}-stock"

    @property
    def sandbox_account(self) -> str:
        return f"g{self.tag}-sandbox"

    @property
    def source_dir(self) -> Path:
        return self.checkout / "courses" / COURSE / "source" / ASSIGNMENT

    @property
    def course_config(self) -> Path:
        return self.checkout / "courses" / COURSE / "nbgrader_config.py"

    def nbgrader(self) -> str:
        return str(Path(sys.executable).with_name("nbgrader"))

    # -- building ---------------------------------------------------------------------

    def generate(self) -> Path:
        """The released notebook and a gradebook that knows the assignment, made once by
        ``nbgrader generate_assignment`` from the course's source (as root: no learner
        code runs). Returns the build folder."""
        build = self.root / "build"
        shutil.copytree(self.source_dir, build / "source" / ASSIGNMENT)
        shutil.copy(self.course_config, build / "nbgrader_config.py")
        home = self.root / "build-home"
        (home / "tmp").mkdir(parents=True)
        done = subprocess.run(
            [self.nbgrader(), "generate_assignment", ASSIGNMENT, "--force"],
            cwd=build,
            env=isolated_env(home),
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"nbgrader generate_assignment failed:\n{tail(done.stdout + done.stderr)}"
            )
        return build

    def build_submissions(
        self, build: Path, bad: Mapping[str, object]
    ) -> tuple[list[Learner], dict[str, object]]:
        """The class's and the fixtures' submitted folders, under ``class/`` and ``bad/``."""
        source_nb = json.loads((self.source_dir / f"{NOTEBOOK}.ipynb").read_text())
        released = json.loads((build / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb").read_text())
        data_files = sorted(p for p in self.source_dir.iterdir() if p.suffix != ".ipynb")
        learners = build_class(source_nb, self.learners, self.seed)
        for learner in learners:
            body = nbformat.writes(nbformat.from_dict(submission(released, learner.answers)))
            write_submission(
                self.root / "class",
                learner.student,
                body.encode(),
                data_files,
                learner.submitted_at,
            )
        answers = solutions(source_nb)
        fixtures = {}
        at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
        (self.root / "bad").mkdir()
        for name, fixture in sorted(bad.items()):
            body = fixture.build(copy.deepcopy(released), dict(answers))
            write_submission(self.root / "bad", BAD_PREFIX + name, body, data_files, at)
            fixtures[name] = fixture
        return learners, fixtures

    def course_folder(self, name: str, build: Path, config: str) -> Path:
        """A course folder with the source, the gradebook of the release and the class's
        submissions (file times kept)."""
        folder = self.root / name
        shutil.copytree(build / "source", folder / "source")
        shutil.copy2(build / "gradebook.db", folder / "gradebook.db")
        shutil.copytree(self.root / "class", folder / "submitted")
        (folder / "nbgrader_config.py").write_text(config)
        return folder

    def add_fixtures(self, folder: Path) -> None:
        for student in sorted((self.root / "bad").iterdir()):
            shutil.copytree(student, folder / "submitted" / student.name)

    # -- stock ---------------------------------------------------------------------------

    def stock_env(self) -> dict[str, str]:
        home = self.root / "stock-home"
        return isolated_env(home)

    def stock_prepare(self, folder: Path) -> None:
        entry = make_account(self.stock_account)
        home = self.root / "stock-home"
        for sub in ("", "tmp", "matplotlib"):
            (home / sub).mkdir(exist_ok=True)
        for path in (folder, home):
            subprocess.run(["chown", "-R", f"{entry.pw_uid}:{entry.pw_gid}", str(path)], check=True)
        # A grader's machine has matplotlib's font cache already: build it before timing.
        self.stock_run(
            [sys.executable, "-c", "import matplotlib.pyplot, pandas"], folder, "warm-up", 300
        )

    def stock_run(self, args: list[str], folder: Path, label: str, wall: float) -> RunResult:
        entry = pwd.getpwnam(self.stock_account)
        result = timed_run(
            stock_command(args, entry.pw_uid, entry.pw_gid),
            folder,
            self.stock_env(),
            wall,
            self.root / f"stock-{label}.log",
        )
        # Whatever a learner's code left behind (a detached child) goes now.
        from isoko.platform.unix import kill_processes_of

        kill_processes_of(entry.pw_uid)
        return result

    # -- isoko ---------------------------------------------------------------------------

    def isoko_run(
        self, folder: Path, label: str, extra: list[str] = (), sample: bool = False
    ) -> tuple[RunResult, dict | None, list[tuple[float, int]]]:
        report = self.root / f"isoko-{label}-report.json"
        cmd = [
            str(Path(sys.executable).with_name("isoko")),
            "grade",
            COURSE,
            ASSIGNMENT,
            "--course-dir",
            str(folder),
            "--checkout",
            str(self.checkout),
            "--workers",
            str(self.workers),
            "--report",
            str(report),
            "--quiet",
            *(["--cold"] if self.cold else []),
            *extra,
        ]
        home = self.root / "isoko-home"
        (home / "tmp").mkdir(parents=True, exist_ok=True)
        sampler = None
        started = time.monotonic()
        if sample:
            progress = folder / ".isoko" / "grading" / ASSIGNMENT / "progress.json"
            sampler = ProgressSampler(progress, started)
            sampler.start()
        try:
            result = timed_run(
                cmd, folder, isolated_env(home), RUN_WALL_SECONDS, self.root / f"isoko-{label}.log"
            )
        finally:
            if sampler:
                sampler.stop()
        try:
            data = json.loads(report.read_text())
        except (OSError, ValueError):
            data = None
        return result, data, (sampler.samples if sampler else [])

    def cleanup(self, keep: bool) -> list[str]:
        strays = []
        for account in (self.stock_account, self.sandbox_account):
            strays += remove_account(account, self.root, self.started)
        if keep:
            # Kept files belong to root: the accounts' numbers will be given out again.
            subprocess.run(["chown", "-R", "root:root", str(self.root)], capture_output=True)
            self.log(f"kept {self.root}")
        else:
            shutil.rmtree(self.root, ignore_errors=True)
        return strays


def isoko_config(course_config: str, folder: Path, sandbox_account: str) -> str:
    from isoko.grading.config import grading_config

    return (
        f"{course_config}\n"
        f"c.CourseDirectory.root = {str(folder)!r}\n"
        f"{grading_config(sandbox_account)}"
    )


def fixture_outcomes(
    fixtures: Mapping[str, object],
    stock: Mapping[str, dict],
    isoko_report: Mapping | None,
    isoko_scores: Mapping[ScoreKey, object],
) -> dict[str, dict]:
    """Per fixture: what stock nbgrader did, what ``isoko grade`` did, and whether that is
    the outcome and reason the fixture expects."""
    problems: dict[str, list[dict]] = {}
    for problem in (isoko_report or {}).get("problems", []):
        problems.setdefault(problem.get("student"), []).append(problem)
    found = {}
    for name, fixture in fixtures.items():
        student = BAD_PREFIX + name
        mine = problems.get(student, [])
        scores = [v for (s, _, _), v in isoko_scores.items() if s == student]
        outcome = mine[0].get("outcome") if mine else ("graded" if scores else None)
        reasons = " | ".join(str(p.get("reason")) for p in mine)
        found[name] = {
            "stock": stock.get(name),
            "isoko": {
                "outcome": outcome,
                "reason": reasons or None,
                "score": _total(scores),
                "expected_outcome": fixture.outcome,
                "as_expected": outcome == fixture.outcome
                and fixture.reason.lower() in reasons.lower(),
            },
        }
    return found


def _total(scores: list[object]) -> float | None:
    numbers = [float(s) for s in scores if isinstance(s, int | float)]
    return round(sum(numbers), 3) if numbers else None


# --- what bounds the Isoko run: its phases, timed apart -------------------------------


class InstantPool:
    """A sandbox pool that runs nothing and answers at once: with it, ``isoko grade``
    does only its main thread's nbgrader work (sanitize, gradebook, the autograde pass)."""

    def __init__(self, *args, **kwargs):
        pass

    def submit(self, notebook: dict, workdir: Path):
        from concurrent.futures import Future

        future: Future = Future()
        future.set_result({"cells": [], "error": "not run: the benchmark times nbgrader alone"})
        return future

    def close(self, *args, **kwargs) -> None:
        pass


def main_thread_probe(course_dir: Path, workers: int) -> dict[str, float]:
    """``isoko grade``'s pipeline on ``course_dir`` with ``InstantPool``: no learner code
    runs. Returns the seconds it took and the notebooks it went through."""
    from isoko.grading import pipeline

    pipeline.make_pool = InstantPool
    started, cpu = time.monotonic(), time.process_time()
    code, report, _ = pipeline.grade_assignment(COURSE, course_dir, ASSIGNMENT, workers=workers)
    return {
        "seconds": time.monotonic() - started,
        "cpu_seconds": time.process_time() - cpu,
        "done": report["done"],
        "exit": code,
    }


def sandbox_probe(
    notebooks: list[tuple[dict, Path]], account: str, workers: int, preload_from: list[Path]
) -> dict[str, float | None]:
    """Seconds per notebook in the sandbox: cold (``run_notebook``), and warm (the pool,
    when this checkout has one): one at a time, then ``workers`` at once."""
    from isoko.grading.sandbox import Limits, SandboxError, run_notebook

    limits = Limits()
    found: dict[str, float | None] = {}
    started = time.monotonic()
    for nb, workdir in notebooks:
        with contextlib.suppress(SandboxError):
            run_notebook(nb, workdir, limits, account)
    found["cold_s_per_notebook"] = round((time.monotonic() - started) / len(notebooks), 3)
    try:
        from isoko.grading.pool import WarmSandboxPool, course_preload
    except ImportError:
        return found
    preload = course_preload(preload_from)
    started = time.monotonic()
    with WarmSandboxPool(limits, account, 1, preload) as pool:
        first_nb, first_dir = notebooks[0]
        pool.submit(first_nb, first_dir).result()
        found["warm_start_and_first_s"] = round(time.monotonic() - started, 3)
        started = time.monotonic()
        for nb, workdir in notebooks:
            pool.submit(nb, workdir).result()
        found["warm_s_per_notebook"] = round((time.monotonic() - started) / len(notebooks), 3)
    with WarmSandboxPool(limits, account, workers, preload) as pool:
        for future in [pool.submit(nb, d) for nb, d in notebooks[:workers]]:
            future.result()  # every worker warm
        started = time.monotonic()
        for future in [pool.submit(nb, d) for nb, d in notebooks]:
            future.result()
        found["warm_parallel_s_per_notebook"] = round(
            (time.monotonic() - started) / len(notebooks), 3
        )
    return found


def probe_phases(bench: Bench, build: Path, isoko_dir: Path, samples: int = 6) -> dict:
    """Time apart what an ``isoko grade`` run is made of (see ``main_thread_probe`` and
    ``sandbox_probe``), on the class just graded."""
    folder = bench.root / "probe-main"
    shutil.copytree(build / "source", folder / "source")
    shutil.copy2(build / "gradebook.db", folder / "gradebook.db")
    shutil.copytree(bench.root / "class", folder / "submitted")
    (folder / "nbgrader_config.py").write_text(
        isoko_config(bench.course_config.read_text(), folder, bench.sandbox_account)
    )
    home = bench.root / "probe-home"
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--main-thread-probe", str(folder)]
        + ["--workers", str(bench.workers)],
        # This file imports the tests' helpers (the bad submissions) at its top.
        env=isolated_env(home, {"PYTHONPATH": str(TESTS_DIR)}),
        capture_output=True,
        text=True,
        timeout=RUN_WALL_SECONDS,
    )
    found: dict[str, object] = {}
    try:
        main = json.loads(done.stdout.strip().splitlines()[-1])
        if not main["done"]:
            raise ValueError("it graded nothing")
        found["main_thread_s_per_notebook"] = round(main["seconds"] / main["done"], 3)
        found["main_thread_cpu_s_per_notebook"] = round(main["cpu_seconds"] / main["done"], 3)
    except (ValueError, IndexError, KeyError):
        bench.log(f"the main-thread probe failed:\n{tail(done.stdout + done.stderr)}")
    graded = sorted((isoko_dir / "autograded").glob(f"*/{ASSIGNMENT}/{NOTEBOOK}.ipynb"))
    notebooks = [(json.loads(p.read_text()), p.parent) for p in graded[:samples]]
    if notebooks:
        source = bench.source_dir / f"{NOTEBOOK}.ipynb"
        found.update(sandbox_probe(notebooks, bench.sandbox_account, bench.workers, [source]))
    return found


def describe_cpu(stock: RunResult, isoko: RunResult, notebooks: int) -> list[str]:
    """CPU per notebook of both runs, and the best wall time the Isoko run's CPU allows
    on this machine's cores: the bound when the cores, not waiting, are what is short."""
    cores = os.cpu_count() or 1
    lines = [
        f"CPU per notebook: stock {stock.cpu_seconds / notebooks:.2f} s, "
        f"isoko {isoko.cpu_seconds / notebooks:.2f} s"
    ]
    if isoko.cpu_seconds:
        best = isoko.cpu_seconds / cores
        lines.append(
            f"isoko's CPU on {cores} cores takes at least {best:.1f} s of wall time "
            f"(ratio at most {stock.seconds / best:.1f} against this stock run, "
            f"{stock.cpu_seconds / best:.1f} against stock's CPU alone)"
        )
    return lines


def describe_bounds(phases: Mapping, probes: Mapping, workers: int) -> list[str]:
    """What the probes say bounds the Isoko run, in lines for standard error."""
    lines = []
    if phases.get("until_first_s") is not None:
        lines.append(
            f"isoko run: {phases['until_first_s']} s until the first notebook was done "
            f"(start, pool, one notebook), then {phases['steady_s_per_notebook']} s per "
            f"notebook, {phases['tail_s']} s to exit"
        )
    main = probes.get("main_thread_s_per_notebook")
    if main:
        lines.append(
            f"main thread (nbgrader's sanitize, gradebook and autograde pass, nothing run): "
            f"{main} s per notebook ({probes.get('main_thread_cpu_s_per_notebook')} s of CPU): "
            f"at most {1 / main:.1f} notebooks/s with any workers"
        )
    for key, words in (
        ("cold_s_per_notebook", "sandbox, cold (a fresh sandbox and kernel), one at a time"),
        ("warm_s_per_notebook", "sandbox, warm (forked from the zygote), one at a time"),
        ("warm_parallel_s_per_notebook", f"sandbox, warm, {workers} workers at once"),
    ):
        if probes.get(key) is not None:
            lines.append(f"{words}: {probes[key]} s per notebook")
    if probes.get("warm_start_and_first_s") is not None:
        lines.append(
            f"warm pool, one worker: {probes['warm_start_and_first_s']} s from its start to "
            "its first notebook graded"
        )
    return lines


# --- the run --------------------------------------------------------------------------------


def run(
    checkout: Path,
    learners: int,
    workers: int,
    seed: int = DEFAULT_SEED,
    keep: bool = False,
    log: Callable[[str], None] = print,
    fixtures: bool = True,
    cold: bool = False,
) -> dict[str, object]:
    bench = Bench(checkout.resolve(), learners, workers, seed, log, cold=cold)
    os.chmod(bench.root, 0o711)  # the stock account reaches its own course folder inside
    try:
        log(f"building {learners} submissions of {COURSE}/{ASSIGNMENT} in {bench.root}")
        bad = dict(BAD_SUBMISSIONS) if fixtures else {}
        if fixtures and not bad:
            log("no bad-submission fixtures in this checkout (tests/support/bad_submissions.py)")
        build = bench.generate()
        class_learners, fixtures = bench.build_submissions(build, bad)
        profiles = {p[0]: sum(x.profile == p[0] for x in class_learners) for p in PROFILES}
        log(f"class: {profiles}, {sum(x.chart for x in class_learners)} draw a chart")
        students = [x.student for x in class_learners]

        course_config = bench.course_config.read_text()
        stock_dir = bench.course_folder("stock", build, course_config)
        make_account(bench.sandbox_account)
        isoko_dir = bench.course_folder(
            "isoko", build, isoko_config(course_config, bench.root / "isoko", bench.sandbox_account)
        )

        log(f"stock nbgrader autograde as {bench.stock_account}, one notebook at a time")
        bench.stock_prepare(stock_dir)
        stock = bench.stock_run(
            [bench.nbgrader(), "autograde", ASSIGNMENT], stock_dir, "class", RUN_WALL_SECONDS
        )
        log(f"stock: {stock.seconds:.1f} s, exit {stock.returncode}")
        if stock.returncode != 0:
            log(tail(stock.output))

        log(f"isoko grade with {workers} workers, sandbox account {bench.sandbox_account}")
        isoko, isoko_report, samples = bench.isoko_run(isoko_dir, "class", sample=True)
        log(f"isoko: {isoko.seconds:.1f} s, exit {isoko.returncode}")
        if isoko.returncode != 0:
            log(tail(isoko.output))
        phases = phases_from_samples(samples, isoko.seconds)

        stock_scores = gradebook_scores(stock_dir / "gradebook.db", students)
        isoko_scores = gradebook_scores(isoko_dir / "gradebook.db", students)
        differing = compare_scores(stock_scores, isoko_scores)
        log(f"{len(stock_scores)} graded cells compared, {len(differing)} differ")

        log("timing the phases of isoko grade apart")
        probes = probe_phases(bench, build, isoko_dir)
        for line in describe_bounds(phases, probes, workers):
            log(line)
        for line in describe_cpu(stock, isoko, learners):
            log(line)
        extra: dict[str, object] = {
            "course": COURSE,
            "assignment": ASSIGNMENT,
            "seed": seed,
            "isoko_pool": "cold" if cold else "warm",
            "stock_exit": stock.returncode,
            "isoko_exit": isoko.returncode,
            "isoko_problems": (isoko_report or {}).get("problems"),
            "isoko_phases": {**phases, **probes},
            "stock_cpu_seconds": round(stock.cpu_seconds, 1),
            "isoko_cpu_seconds": round(isoko.cpu_seconds, 1),
            "load_1min": round(os.getloadavg()[0], 1),
        }
        if fixtures:
            extra.update(
                grade_fixtures(bench, fixtures, stock_dir, isoko_dir, students, stock_scores)
            )
        finished = stock.returncode == 0 and isoko.returncode == 0
        summary = summarize(
            learners, workers, stock.seconds, isoko.seconds, differing, extra, finished
        )
        if "identical_scores_with_fixtures" in summary:
            summary["identical_scores"] = (
                summary["identical_scores"] and summary["identical_scores_with_fixtures"]
            )
        return summary
    finally:
        log("removing the accounts" + ("" if keep else " and the temporary folder"))
        strays = bench.cleanup(keep)
        if strays:
            log(f"removed files the stock account left in shared folders: {strays}")


def grade_fixtures(
    bench: Bench,
    fixtures: Mapping[str, object],
    stock_dir: Path,
    isoko_dir: Path,
    students: list[str],
    stock_scores: Mapping[ScoreKey, object],
) -> dict[str, object]:
    """The bad fixtures: stock nbgrader on each alone; ``isoko grade --force`` on the class
    with all of them, whose learners must keep the scores stock nbgrader gave them."""
    bench.add_fixtures(stock_dir)
    entry = pwd.getpwnam(bench.stock_account)
    subprocess.run(["chown", "-R", f"{entry.pw_uid}:{entry.pw_gid}", str(stock_dir)], check=True)
    bench.add_fixtures(isoko_dir)
    stock: dict[str, dict] = {}
    for name in sorted(fixtures):
        student = BAD_PREFIX + name
        bench.log(f"stock nbgrader on the bad fixture {name}")
        result = bench.stock_run(
            [bench.nbgrader(), "autograde", ASSIGNMENT, "--student", student],
            stock_dir,
            f"bad-{name}",
            STOCK_FIXTURE_WALL_SECONDS,
        )
        try:
            scores = gradebook_scores(stock_dir / "gradebook.db", [student])
        except Exception as err:  # noqa: BLE001 - a gradebook the fixture broke is an outcome
            scores = {}
            bench.log(f"  the stock gradebook could not be read: {err}")
        stock[name] = {
            "exit": result.returncode,
            "timed_out": result.timed_out,
            "seconds": round(result.seconds, 1),
            "score": _total(list(scores.values())),
        }
        bench.log(f"  {stock[name]}")
    bench.log(f"isoko grade --force on the class and {len(fixtures)} bad fixtures together")
    result, report, _ = bench.isoko_run(isoko_dir, "with-fixtures", ["--force"])
    bench.log(f"isoko with the fixtures: {result.seconds:.1f} s, exit {result.returncode}")
    bad_students = [BAD_PREFIX + name for name in fixtures]
    isoko_bad = gradebook_scores(isoko_dir / "gradebook.db", bad_students)
    again = gradebook_scores(isoko_dir / "gradebook.db", students)
    differing = compare_scores(stock_scores, again)
    return {
        "isoko_with_fixtures_seconds": round(result.seconds, 2),
        "isoko_with_fixtures_exit": result.returncode,
        "identical_scores_with_fixtures": not differing,
        "differing_cells_with_fixtures": differing[:MAX_LISTED],
        "fixtures": fixture_outcomes(fixtures, stock, report, isoko_bad),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="benchmarks/bench_grading.py", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "-n",
        "--learners",
        type=int,
        help=f"learners (default: ISOKO_BENCH_LEARNERS, else {DEFAULT_LEARNERS})",
    )
    parser.add_argument(
        "--checkout", type=Path, default=Path.cwd(), help="the Isoko checkout (default: here)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="isoko grade's workers (default: the machine's cores)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the class's seed")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--no-fixtures", action="store_true", help="leave the bad-submission fixtures out"
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="isoko grade --cold: a fresh sandbox and kernel per notebook (to compare)",
    )
    # Internal: one phase of the Isoko run alone, in a process of its own.
    parser.add_argument("--main-thread-probe", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.main_thread_probe:
        print(json.dumps(main_thread_probe(args.main_thread_probe, args.workers)))
        return 0
    try:
        learners = learner_count(args.learners, os.environ)
    except ValueError as err:
        parser.error(str(err))
    if os.geteuid() != 0:
        print(
            "bench_grading: run as root: stock nbgrader and the sandbox each run as a "
            "throwaway account the benchmark makes",
            file=sys.stderr,
        )
        return 2

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    # A terminated benchmark cleans up as an interrupted one does.
    signal.signal(signal.SIGTERM, interrupted)
    progress = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    try:
        summary = run(
            args.checkout,
            learners,
            args.workers,
            args.seed,
            args.keep,
            progress,
            fixtures=not args.no_fixtures,
            cold=args.cold,
        )
    except KeyboardInterrupt:
        progress("interrupted; cleaned up")
        return 130
    print(json.dumps(summary), flush=True)
    return 0 if summary["identical_scores"] else 1


if __name__ == "__main__":
    sys.exit(main())
