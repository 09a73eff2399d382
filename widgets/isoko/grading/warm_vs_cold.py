"""Seconds per notebook: warm sandboxes (``WarmSandboxPool``) against a cold sandbox each
(``run_notebook``), on one of the courses' notebooks with its data. A measurement, not a
test: figures vary with the machine's load.

    python -m isoko.grading.warm_vs_cold --account SANDBOX_ACCOUNT [--runs 20]
        [--notebook-folder courses/pricing/source/a02-price-from-sales-data]

Prints one JSON line: seconds per notebook cold (one at a time, as nbgrader does), and
warm with one and with two sandboxes (pool start-up included, and without it).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import nbformat

from isoko.grading.pool import WarmSandboxPool, course_preload
from isoko.grading.sandbox import Limits, run_notebook

DEFAULT_FOLDER = Path("courses/pricing/source/a02-price-from-sales-data")


def measure_warm(nb, folder: Path, limits: Limits, account, workers: int, runs: int, preload):
    """(seconds per notebook with the pool's start, seconds per notebook once warm)."""
    started = time.monotonic()
    with WarmSandboxPool(limits, account, workers=workers, preload=preload) as pool:
        # One notebook per sandbox first, so the second figure counts warm grading only.
        for future in [pool.submit(nb, folder) for _ in range(workers)]:
            future.result()
        warm_from = time.monotonic()
        replies = [f.result() for f in [pool.submit(nb, folder) for _ in range(runs)]]
        ended = time.monotonic()
    assert all(reply["error"] is None for reply in replies), replies[0]["error"]
    return (ended - started) / (runs + workers), (ended - warm_from) / runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--account", default=None, help="the sandbox's Unix account")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--notebook-folder", type=Path, default=DEFAULT_FOLDER)
    args = parser.parse_args(argv)
    folder = args.notebook_folder.resolve()
    notebook_path = next(folder.glob("*.ipynb"))
    nb = nbformat.read(notebook_path, as_version=4)
    limits = Limits()
    preload = course_preload([notebook_path])

    started = time.monotonic()
    for _ in range(args.runs):
        reply = run_notebook(nb, folder, limits, args.account)
        assert reply["error"] is None, reply["error"]
    cold = (time.monotonic() - started) / args.runs
    results = {"notebook": notebook_path.name, "runs": args.runs, "cold_seconds": round(cold, 3)}
    for workers in (1, 2):
        with_start, warm = measure_warm(
            nb, folder, limits, args.account, workers, args.runs, preload
        )
        results[f"warm_{workers}_seconds"] = round(warm, 3)
        results[f"warm_{workers}_with_start_seconds"] = round(with_start, 3)
    results["preload"] = preload
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
