"""``python -m isoko.i18n update | compile | start LANG``: the translators' commands.

- ``update``: extract the messages from the code and bring the templates and every
  language's catalogues in step with it (``make translations``);
- ``compile``: compile the catalogues into ``.mo`` files beside them (``make install``);
- ``start LANG``: empty catalogues for a new language, to translate.

``--locale-dir`` picks the catalogues (by default, those of this package).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from isoko.i18n import LOCALE_DIR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m isoko.i18n", description=__doc__)
    parser.add_argument("--locale-dir", type=Path, default=LOCALE_DIR)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("update", help="extract messages and update the catalogues")
    commands.add_parser("compile", help="compile the catalogues into .mo files")
    start = commands.add_parser("start", help="empty catalogues for a new language")
    start.add_argument("language")
    args = parser.parse_args(argv)

    locale_dir: Path = args.locale_dir.resolve()
    if args.command == "compile":
        from isoko.i18n.compiling import compile_catalogues

        changed = compile_catalogues(locale_dir)
    else:
        from isoko.i18n import catalogues

        if args.command == "update":
            changed = catalogues.update(locale_dir)
        else:
            changed = catalogues.start_language(args.language, locale_dir)
    for path in changed:
        print(path.relative_to(locale_dir))
    if args.command == "update" and not changed:
        print("catalogues already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
