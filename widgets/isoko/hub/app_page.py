"""Isoko's own front end for app pages, and whether it is installed.

Voilà's front end is a JupyterLab application: the notebook, code editor and console
code come with every page, 760 kB compressed of a 1,080 kB first load, although an app
page only shows widgets. ``make install`` builds
``widgets/isoko/voila_templates/isoko-app/frontend/app.js`` (with the widget packages from
npm) into :data:`TEMPLATE`'s static folder in the environment: a script and a stylesheet
of about 255 kB compressed that draw an app's widgets and nothing else.

The gallery, which serves nothing but the simulator apps, uses that page template when it
is there (:func:`isoko.gallery.app.gallery_config`), and Voilà's own page (``isoko``)
otherwise, so an environment built without Node.js still serves working, heavier,
pages. Learners' servers keep Voilà's page: a learner may render any notebook with
Voilà (maths, Output widgets, tables), which this page does not draw.
"""

from __future__ import annotations

import sys
from pathlib import Path

#: The app page template (``widgets/isoko/voila_templates/isoko-app``).
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
