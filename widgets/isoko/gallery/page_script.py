"""The gallery's own front end for app pages, and whether it is installed.

``make install`` builds ``widgets/isoko/gallery/frontend/app.js`` (with the widget
packages from npm) into :data:`TEMPLATE`'s static folder in the environment. The gallery
uses that page template when the script is there, and Voilà's own page (``isoko``)
otherwise, so a checkout without Node.js still serves working, heavier, pages.
"""

from __future__ import annotations

import sys
from pathlib import Path

#: The gallery's Voilà page template (``widgets/isoko/voila_templates/isoko-app``).
TEMPLATE = "isoko-app"
SCRIPT = "isoko-app.js"
STYLESHEET = "isoko-app.css"


def static_dir(share: Path | None = None) -> Path:
    share = share or Path(sys.prefix) / "share" / "jupyter"
    return share / "voila" / "templates" / TEMPLATE / "static"


def installed(share: Path | None = None) -> bool:
    """Whether the app page's script and stylesheet were built into the environment."""
    folder = static_dir(share)
    return (folder / SCRIPT).is_file() and (folder / STYLESHEET).is_file()
