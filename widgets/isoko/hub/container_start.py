"""A learner's server in a container: the course content first, then the server.

On one machine the hub copies published lessons and apps into a learner's home before
their server starts (``isoko.hub.spawner``); in a container the hub cannot reach the
home, so the container does it itself, as the learner, from the read-only course
content volume, then becomes JupyterHub's single-user server (``isoko.hub.singleuser``)
with the arguments the spawner gave.
"""

from __future__ import annotations

import os
import subprocess
import sys

from isoko.hub.deployment import COURSES_DIR, HOME


def sync_command(content_dir: str = COURSES_DIR, home: str = HOME) -> list[str]:
    return [sys.executable, "-m", "isoko.courses.content", content_dir, home]


def main(argv: list[str] | None = None, content_dir: str = COURSES_DIR) -> None:
    args = sys.argv[1:] if argv is None else argv
    home = os.environ.get("HOME") or HOME
    if os.path.isdir(content_dir):
        # A failed copy must not keep the learner out of their own server: it says why.
        result = subprocess.run(sync_command(content_dir, home), check=False)
        if result.returncode:
            print(f"Course content was not copied into {home}", file=sys.stderr)
    os.execv(sys.executable, [sys.executable, "-m", "isoko.hub.singleuser", *args])


if __name__ == "__main__":
    main()
