"""``isoko settings``: the effective settings and where each came from, before a start."""

from __future__ import annotations

import json
from pathlib import Path

from isoko.courses.catalog import Course, load_courses
from isoko.courses.gradebook_db import hidden_password
from isoko.platform import config_file
from isoko.platform.settings import Settings


def check_settings(s: Settings) -> list[Course]:
    """What can only be checked against the checkout (the courses named in
    ``courses.enabled`` exist); raises ``ConfigFileError``. Returns the courses served."""
    return s.select_courses(load_courses(s.courses_dir))


def shown(value: object) -> str:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple):
        value = list(value)
    return json.dumps(value, ensure_ascii=False)


def rows(s: Settings) -> list[tuple[str, str, str, str]]:
    """``(dotted key, value, where it came from, its variable or "")`` for every key.

    Database URLs are shown without their password: this table is pasted into tickets.
    """
    table = []
    for key in config_file.KEYS:
        value = getattr(s, key.field)
        if key.dotted.startswith("database.") and value:
            value = hidden_password(value)
        table.append((key.dotted, shown(value), s.origin(key.dotted), key.variable or ""))
    return table


def report(s: Settings, hub_config_files: list[Path]) -> str:
    """What ``isoko settings`` prints."""
    where = s.config_file if s.config_file.is_file() else f"{s.config_file} (not there)"
    table = [("key", "value", "from", "variable that overrides it"), *rows(s)]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    lines = [f"Settings file: {where}", ""]
    for row in table:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    lines.append("")
    if hub_config_files:
        lines.append("Extra hub configuration, run in this order after Isoko's own:")
        lines += [f"  {path}" for path in hub_config_files]
    else:
        lines.append(f"Extra hub configuration: none ({s.hub_config_dir} has no *.py file)")
    return "\n".join(line.rstrip() for line in lines)
