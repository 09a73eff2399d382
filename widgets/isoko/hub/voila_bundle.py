"""One script with the Voilà front-end chunks an app page loads, instead of 73 requests.

Voilà 0.5's page loads its front end as about 73 webpack chunks from ``voila/static/``,
a few at a time as each finds what it needs: on a slow mobile link every wave waits for
a round trip, and each file is compressed on its own. Each chunk file only registers
its modules in a global list that Voilà's runtime (``voila.js``) reads when it starts, so
the same files, concatenated into one script that runs before ``voila.js``, are taken as
already loaded and never asked for. Compressed together they are also smaller.

:data:`CHUNKS` is what an app page of this Voilà loads, as ``make bench --list-requests``
lists it. A chunk missing from the installed Voilà is skipped (another version); a chunk
the page needs but the bundle lacks is loaded as before. ``python -m
isoko.hub.compression`` (``make install``) writes the bundle into Isoko's page template;
:func:`isoko.hub.server_config.voila_settings` makes the page load it when it is there.
"""

from __future__ import annotations

import sys
from pathlib import Path

#: The bundle, in the static folder of Isoko's Voilà page template.
NAME = "isoko-preload.js"
#: Chunks (``<id>.voila.js``) of Voilà 0.5.13 that every app page loads.
# fmt: off
CHUNKS = (
    73, 143, 225, 431, 457, 614, 630, 1187, 1601, 1621, 1670, 1996, 2121, 2296, 2772, 2829,
    2930, 3144, 3249, 3307, 3311, 3459, 3649, 3916, 3989, 3992, 4041, 4135, 4173, 4222, 4371,
    4486, 4653, 4729, 4875, 4972, 5044, 5312, 5688, 5764, 5767, 5992, 6008, 6049, 6074, 6305,
    6382, 6468, 6573, 7155, 7245, 7259, 7393, 7483, 7556, 7598, 7770, 7883, 8017, 8135, 8487,
    8766, 8773, 8862, 8925, 9081, 9151, 9212, 9582, 9684, 9890, 9981,
)
# fmt: on


def voila_static(share: Path) -> Path:
    """Where Voilà's front-end chunks are installed."""
    return share / "voila" / "templates" / "base" / "static"


def bundle_path(share: Path | None = None) -> Path:
    share = share or Path(sys.prefix) / "share" / "jupyter"
    return share / "voila" / "templates" / "isoko" / "static" / NAME


def build(share: Path) -> tuple[int, int]:
    """Write the bundle of the chunks found; return (chunks in it, chunks not found).

    Each chunk runs in a function of its own, so that its ``"use strict"`` stays its own.
    """
    static = voila_static(share)
    parts, missing = [], 0
    for chunk in CHUNKS:
        path = static / f"{chunk}.voila.js"
        if not path.is_file():
            missing += 1
            continue
        parts.append(f"(function () {{\n{path.read_text()}\n}})();\n")
    target = bundle_path(share)
    if not parts:
        target.unlink(missing_ok=True)
        return 0, missing
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_text("".join(parts))
    partial.chmod(0o644)
    partial.replace(target)
    return len(parts), missing
