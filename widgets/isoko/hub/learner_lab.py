"""Learners' JupyterLab and Voilà pages, as each learner server serves them.

A server extension, loaded by learner servers only. Three tornado output transforms
(the one place that sees every response's status, headers and body, so JupyterLab
and Voilà themselves are not changed):

- **App pages may be framed by their own JupyterLab.** JupyterHub gives every page
  of a learner server ``frame-ancestors 'none'``, so JupyterLab's "Render with Voilà"
  showed a blocked frame. Voilà's app pages (``voila/render/``) get ``'self'``: the
  hub's own origin, where the learner's JupyterLab is; a page of any other origin still
  cannot frame them (clickjacking). Every other page keeps JupyterHub's policy.
- **A missing app is a page with a way back.** Voilà answers an app that does not
  exist with a bare "404: Not Found". Isoko's page says which app was not found, lists
  the apps of that course the learner does have, and links to the learner's home and
  to the hub; it is self-contained (no script, no font or style from anywhere).
- **Each device starts with its own panel sizes.** JupyterLab saves the sizes of the
  side panels and the documents as fractions of the window in the learner's
  workspace, on the server, shared by every device: after a phone, where the file
  browser takes most of 360 px, a laptop opened with a 1,000 px file browser and a
  strip of notebook. Workspaces are served without those sizes, so each window gets
  JupyterLab's default for its own width; which panels are open, and the open
  documents, are still restored.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import quote, unquote

from jupyter_server.utils import url_path_join
from tornado.web import OutputTransform

#: Voilà's app pages inside this server: JupyterLab's own preview frames them.
APP_FRAMING_CSP = "frame-ancestors 'self'"
#: Isoko's not-found page runs no script and loads nothing but what it holds.
NOT_FOUND_CSP = "; ".join(
    [
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "base-uri 'none'",
        "form-action 'none'",
        APP_FRAMING_CSP,
    ]
)
#: The key of JupyterLab's saved layout, and the sizes this module leaves out of it.
LAYOUT_KEY = "layout-restorer:data"
SIZES_KEY = "relativeSizes"

NOT_FOUND_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>App not found</title>
<style>
  body {{ font-family: system-ui, sans-serif; margin: 0; background: #f4f6f8; color: #1d2733; }}
  main {{ max-width: 34rem; margin: 2rem auto; padding: 1.5rem; background: #fff;
         border-radius: 8px; box-shadow: 0 1px 4px rgba(0, 0, 0, .12); }}
  h1 {{ font-size: 1.4rem; margin-top: 0; }}
  code {{ overflow-wrap: anywhere; background: #eef1f4; padding: 0 .2rem; }}
  ul {{ padding-left: 1.2rem; }}
  li {{ margin: .4rem 0; }}
  a {{ color: #0b5cad; }}
  .back a {{ display: inline-block; margin: .3rem .6rem .3rem 0; padding: .6rem 1rem;
            border-radius: 6px; background: #0b5cad; color: #fff; text-decoration: none; }}
  @media (max-width: 40rem) {{ main {{ margin: 0; border-radius: 0; }} }}
</style>
</head>
<body>
<main>
<h1>App not found</h1>
<p>There is no app at <code>{path}</code>. It may have been renamed, or the address
may have a typo.</p>
{apps}
<p class="back"><a href="{home}">Back to your home</a><a href="{hub}">Hub home</a></p>
</main>
</body>
</html>
"""


def app_links(root_dir: Path, app_path: str, render_url: str) -> str:
    """HTML list of the apps of the course ``app_path`` is in, if the learner has any."""
    course = app_path.strip("/").split("/", 1)[0]
    if not course or course.startswith("."):
        return ""
    folder = root_dir / course / "apps"
    try:
        apps = sorted(p.name for p in folder.glob("*.ipynb") if p.is_file())
    except OSError:
        return ""
    if not apps:
        return ""
    items = "".join(
        f'<li><a href="{html.escape(url_path_join(render_url, quote(f"{course}/apps/{name}")))}">'
        f"{html.escape(Path(name).stem)}</a></li>"
        for name in apps
    )
    return f"<p>Apps of <strong>{html.escape(course)}</strong>:</p><ul>{items}</ul>"


def not_found_page(root_dir: Path, base_url: str, app_path: str) -> str:
    render_url = url_path_join(base_url, "voila/render/")
    return NOT_FOUND_PAGE.format(
        path=html.escape(app_path),
        apps=app_links(root_dir, app_path, render_url),
        home=html.escape(base_url),
        hub="/hub/home",
    )


def without_panel_sizes(document: object) -> object:
    """A workspace (or a list of them) with every saved layout's panel sizes left out."""
    if isinstance(document, dict):
        layout = document.get(LAYOUT_KEY)
        if isinstance(layout, dict):
            layout.pop(SIZES_KEY, None)
        for value in document.values():
            without_panel_sizes(value)
    elif isinstance(document, list):
        for value in document:
            without_panel_sizes(value)
    return document


def learner_page_transform(root_dir: Path, base_url: str) -> type[OutputTransform]:
    """The output transform of a learner server whose files are in ``root_dir``."""
    render_prefix = url_path_join(base_url, "voila/render/")
    workspaces = re.compile(re.escape(url_path_join(base_url, "lab/api/workspaces")) + r"(/|$)")

    class LearnerPages(OutputTransform):
        def __init__(self, request) -> None:
            self.path = request.path
            self.method = request.method

        def transform_first_chunk(self, status_code, headers, chunk, finishing):
            if self.path.startswith(render_prefix):
                headers["Content-Security-Policy"] = APP_FRAMING_CSP
                if status_code == 404 and finishing:
                    app_path = unquote(self.path[len(render_prefix) :])
                    chunk = not_found_page(root_dir, base_url, app_path).encode("utf-8")
                    headers["Content-Type"] = "text/html; charset=UTF-8"
                    headers["Content-Security-Policy"] = NOT_FOUND_CSP
            elif (
                workspaces.match(self.path)
                and self.method == "GET"
                and status_code == 200
                and finishing
            ):
                try:
                    document = json.loads(chunk)
                except ValueError:
                    return status_code, headers, chunk
                chunk = json.dumps(without_panel_sizes(document)).encode("utf-8")
            else:
                return status_code, headers, chunk
            if "Content-Length" in headers:
                headers["Content-Length"] = str(len(chunk))
            return status_code, headers, chunk

    return LearnerPages


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": __name__}]


def _load_jupyter_server_extension(serverapp) -> None:
    transform = learner_page_transform(
        Path(serverapp.root_dir).expanduser(), serverapp.web_app.settings["base_url"]
    )
    # First, so it sees each response before any compression does.
    serverapp.web_app.transforms.insert(0, transform)
