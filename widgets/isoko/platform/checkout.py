"""Keeping course solutions in the checkout away from learner accounts.

A checkout holds every course's ``source/`` (solutions and hidden tests), its git
history (the same files, once per commit) and whatever build or copy was left in it.
Cloned into an ordinary 0755 folder, all of it is readable by every account on the
machine, learners included. Nothing a learner needs lives there (their environment and
content are in system locations), so before the hub starts as root the checkout, and
the git history of a checkout whose history lives elsewhere (a linked worktree), are
closed to other accounts.

Only the "other" permission bits are considered: learner and grader accounts are
members of their own group only.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

OTHERS = stat.S_IRWXO


class CheckoutExposedError(RuntimeError):
    """Course solutions are readable by learner accounts and could not be made private."""


@dataclass(frozen=True)
class Exposure:
    """A folder that learner accounts can read, and what it holds."""

    path: Path
    holds: str


def readable_by_others(path: Path) -> bool:
    """Can an account that is neither owner nor group member read inside ``path``?

    It needs to enter every folder above it and to read or enter ``path`` itself.
    """
    mode = os.stat(path).st_mode
    if not mode & (stat.S_IROTH | stat.S_IXOTH):
        return False
    return all(os.stat(folder).st_mode & stat.S_IXOTH for folder in path.parents)


def _git_dir_of(checkout: Path) -> Path | None:
    """Where the git history of ``checkout`` lives: ``.git``, or where that file points."""
    pointer = checkout / ".git"
    if pointer.is_dir():
        return pointer
    if not pointer.is_file():
        return None
    text = pointer.read_text().strip()
    if not text.startswith("gitdir:"):
        return None
    git_dir = Path(text.removeprefix("gitdir:").strip())
    return (checkout / git_dir).resolve()


def _common_dir_of(git_dir: Path) -> Path:
    """The folder holding the objects: a linked worktree's git dir names it in ``commondir``."""
    common = git_dir / "commondir"
    if common.is_file():
        return (git_dir / common.read_text().strip()).resolve()
    return git_dir


def _worktrees_of(common_dir: Path) -> list[Path]:
    """Every other checkout of the same repository: each holds the same solutions."""
    found = []
    if common_dir.name == ".git" and (common_dir.parent / ".git").resolve() == common_dir:
        found.append(common_dir.parent)
    for pointer in sorted((common_dir / "worktrees").glob("*/gitdir")):
        found.append(Path(pointer.read_text().strip()).resolve().parent)
    return found


def solution_holders(checkout: Path) -> list[Exposure]:
    """The folders to keep private, outermost first: closing one closes what is inside."""
    checkout = checkout.resolve()
    holders = [Exposure(checkout, "course sources, the git history and any build")]
    git_dir = _git_dir_of(checkout)
    if git_dir is not None:
        common_dir = _common_dir_of(git_dir)
        for worktree in _worktrees_of(common_dir):
            if worktree != checkout and worktree.is_dir():
                holders.append(Exposure(worktree, "another checkout of this repository"))
        for history in dict.fromkeys([common_dir, git_dir]):
            # History inside the checkout is closed with it.
            if history.is_dir() and not history.is_relative_to(checkout):
                holders.append(Exposure(history, "the git history of this checkout"))
    return holders


def exposed(checkout: Path) -> list[Exposure]:
    """The solution holders learner accounts can read right now."""
    return [h for h in solution_holders(checkout) if h.path.exists() and readable_by_others(h.path)]


def make_private(checkout: Path, log: Callable[[str], None] = print) -> list[Path]:
    """Close every solution holder to other accounts; say so once per folder changed.

    Returns the folders changed. Raises :class:`CheckoutExposedError` when one stays
    readable (a file system that ignores ``chmod``, a folder root may not change).
    """
    changed = []
    for holder in solution_holders(checkout):
        # An outer folder closed a moment ago may already cover this one.
        if not holder.path.exists() or not readable_by_others(holder.path):
            continue
        before = stat.S_IMODE(os.stat(holder.path).st_mode)
        try:
            os.chmod(holder.path, before & ~OTHERS)
        except OSError as err:
            raise _cannot(holder, str(err)) from None
        if readable_by_others(holder.path):
            raise _cannot(holder, "its file system ignored the change")
        after = stat.S_IMODE(os.stat(holder.path).st_mode)
        log(
            f"Made {holder.path} private ({before:04o} -> {after:04o}): "
            f"learner accounts could read {holder.holds} in it"
        )
        changed.append(holder.path)
    return changed


def _cannot(holder: Exposure, reason: str) -> CheckoutExposedError:
    return CheckoutExposedError(
        f"learner accounts can read {holder.holds} at {holder.path}, and it could not be "
        f"made private ({reason}).\n"
        f"Run `chmod o-rwx {holder.path}`, or put the checkout in a private folder "
        f"(for example one with mode 0700) on a file system that keeps Unix permissions."
    )


def inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())
