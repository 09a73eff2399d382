"""Write ``docker/.env`` from ``docker/.env.example`` on first use, with new secrets.

Run from anywhere: ``python3 docker/make_env.py``. Each value ``generate`` becomes a
new random secret (64 hex digits, from the operating system's generator), and
``DOCKER_GID=detect`` the group that owns the Docker socket, so the hub joins that group
rather than running as root. The file is created 0600 and never overwritten: secrets
that a running deployment uses (the database password is set in its volume on first
start) must not change behind its back. Only the standard library is used, since it
runs on the Docker host, not in an image.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
GENERATE = "generate"
DETECT = "detect"
DOCKER_SOCKET = Path("/var/run/docker.sock")


def filled(example: str, docker_socket: Path) -> str:
    """The example's text with every ``generate`` and ``detect`` value filled in."""
    lines = []
    for line in example.splitlines():
        name, sep, value = line.partition("=")
        if sep and not line.lstrip().startswith("#"):
            if value == GENERATE:
                line = f"{name}={secrets.token_hex(32)}"
            elif value == DETECT:
                if not docker_socket.exists():
                    raise SystemExit(
                        f"{name}: no Docker socket at {docker_socket}; is Docker installed and "
                        f"running? (or write {name} into the .env file yourself)"
                    )
                line = f"{name}={docker_socket.stat().st_gid}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--example", type=Path, default=HERE / ".env.example")
    parser.add_argument("--env-file", type=Path, default=HERE / ".env")
    parser.add_argument("--docker-socket", type=Path, default=DOCKER_SOCKET)
    args = parser.parse_args(argv)
    if args.env_file.exists():
        print(f"{args.env_file} exists: kept as it is (delete it to make new secrets)")
        return 0
    text = filled(args.example.read_text(encoding="utf-8"), args.docker_socket)
    # Created 0600 from the start: the secrets are never readable by others, not even
    # for the moment between writing and a chmod.
    fd = os.open(args.env_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    print(f"Wrote {args.env_file} (0600) with new secrets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
