"""``python -m isoko.gallery --folder F --port P [--base-url U]``: run the gallery.

The hub starts it (as service ``gallery``, inside its sandbox: ``isoko.hub.gallery``);
the tests and the benchmark start it alone.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from isoko import i18n
from isoko.gallery import sizing
from isoko.sims.registry import catalog


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m isoko.gallery", description=__doc__)
    parser.add_argument("--folder", type=Path, required=True, help="written by isoko hub")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--base-url", default=os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/"), help="URL prefix"
    )
    parser.add_argument("--preheated-per-app", type=int, default=None)
    parser.add_argument("--max-kernels", type=int, default=None)
    parser.add_argument("--languages", default=",".join(i18n.languages()))
    parser.add_argument("--apps", default="", help="simulator ids (default: every one)")
    args = parser.parse_args(argv)

    languages = [code for code in args.languages.split(",") if code]
    wanted = {code for code in args.apps.split(",") if code}
    entries = [entry for entry in catalog() if not wanted or entry.id in wanted]
    size = sizing.this_machine(
        len(entries) * len(languages), args.preheated_per_app, args.max_kernels
    )
    print(
        f"Gallery: {len(entries)} apps in {', '.join(languages)}; "
        f"{size.preheated_per_app} preheated kernel(s) per app, at most "
        f"{size.max_kernels} visitors' kernels",
        flush=True,
    )
    from isoko.gallery.app import run

    base_url = args.base_url if args.base_url.endswith("/") else args.base_url + "/"
    run(
        args.folder.resolve(),
        base_url,
        args.port,
        languages,
        entries,
        size.preheated_per_app,
        size.max_kernels,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
