"""A small Dockerfile reader for offline checks of the images in ``docker/``.

Enough of the format for what the tests ask: instructions with their line, continuation
lines (a trailing backslash; comment lines inside a continued instruction are dropped,
as Docker does), ``ARG`` defaults substituted into ``FROM``, the JSON and plain forms of
``COPY``/``ADD`` with their flags, and the ``pip install`` commands of ``RUN``.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case: FROM, RUN, COPY...
    args: str  # the rest, continuation lines joined by a space
    line: int  # where it starts, 1-based


def parse(text: str) -> list[Instruction]:
    instructions: list[Instruction] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue  # blank, comment, or parser directive
        if pending and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if not pending:
            start = number
        continued = stripped.endswith("\\")
        pending.append(stripped[:-1].strip() if continued else stripped)
        if not continued:
            keyword, _, args = " ".join(part for part in pending if part).partition(" ")
            instructions.append(Instruction(keyword.upper(), args.strip(), start))
            pending = []
    if pending:
        raise ValueError(f"line {start}: the file ends inside a continued instruction")
    return instructions


def read(path: Path) -> list[Instruction]:
    return parse(path.read_text(encoding="utf-8"))


_VARIABLE = re.compile(r"\$\{(\w+)\}|\$(\w+)")


def substitute(text: str, values: dict[str, str]) -> str:
    """``$NAME`` and ``${NAME}`` replaced by ``values``; unknown ones are left as written."""
    return _VARIABLE.sub(lambda m: values.get(m.group(1) or m.group(2), m.group(0)), text)


def base_images(instructions: list[Instruction]) -> list[str]:
    """The image of each ``FROM``, with the ``ARG`` defaults declared before it."""
    args: dict[str, str] = {}
    images = []
    for instruction in instructions:
        if instruction.keyword == "ARG":
            name, _, default = instruction.args.partition("=")
            if default:
                args[name.strip()] = default.strip().strip('"')
        elif instruction.keyword == "FROM":
            words = [w for w in instruction.args.split() if not w.startswith("--")]
            images.append(substitute(words[0], args))
    return images


def final_stage(instructions: list[Instruction]) -> list[Instruction]:
    starts = [i for i, instruction in enumerate(instructions) if instruction.keyword == "FROM"]
    return instructions[starts[-1] :]


def last_user(instructions: list[Instruction]) -> str | None:
    """The user the image ends as, if its last stage says (``USER`` name or uid[:gid])."""
    users = [i.args.strip() for i in final_stage(instructions) if i.keyword == "USER"]
    return users[-1] if users else None


@dataclass(frozen=True)
class Copy:
    sources: list[str]  # relative to the build context
    destination: str
    from_stage: str | None
    line: int


def copies(instructions: list[Instruction]) -> list[Copy]:
    found = []
    for instruction in instructions:
        if instruction.keyword not in ("COPY", "ADD"):
            continue
        words = shlex.split(instruction.args)
        flags = [w for w in words if w.startswith("--")]
        rest = instruction.args
        for flag in flags:
            rest = rest.replace(flag, "", 1)
        rest = rest.strip()
        paths = json.loads(rest) if rest.startswith("[") else shlex.split(rest)
        stage = next((f.split("=", 1)[1] for f in flags if f.startswith("--from=")), None)
        found.append(Copy(paths[:-1], paths[-1], stage, instruction.line))
    return found


#: Options of ``pip install`` that take a value (the value is not a requirement).
_PIP_OPTIONS_WITH_VALUE = {
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--upgrade-strategy",
    "--progress-bar",
}


def pip_installs(instructions: list[Instruction]) -> list[tuple[int, list[str]]]:
    """The arguments (requirements and paths, no options) of each ``pip install``."""
    found = []
    for instruction in instructions:
        if instruction.keyword != "RUN":
            continue
        for command in re.split(r"&&|\|\||;", instruction.args):
            words = shlex.split(command)
            for i in range(len(words) - 1):
                if words[i].endswith("pip") and words[i + 1] == "install":
                    found.append((instruction.line, _requirements(words[i + 2 :])))
                    break
                if words[i : i + 4] == ["python", "-m", "pip", "install"]:
                    found.append((instruction.line, _requirements(words[i + 4 :])))
                    break
    return found


def _requirements(words: list[str]) -> list[str]:
    requirements = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in _PIP_OPTIONS_WITH_VALUE:
            skip = True
        elif not word.startswith("-"):
            requirements.append(word)
    return requirements
