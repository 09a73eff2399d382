"""A Content-Security-Policy on the formgrader's pages, loaded by every grader server.

Learner content on those pages is cleaned first (:mod:`isoko.courses.learner_html`);
this is the second wall, for whatever cleaning ever misses. Each formgrader page gets
a fresh nonce, and only the formgrader's own ``<script>`` tags carry it:

- on a submission page, those before the notebook (nbgrader prints the learner's
  notebook after ``id="notebook-container"``, and nothing of its own after it);
- on the other pages, all of them: they print no learner content on the server (the
  tables are filled from the JSON API with ``.text()``), and a page whose URL holds
  characters that could break out of nbgrader's unescaped ``{{ ... }}`` is refused.

No inline event handler runs except the few nbgrader's own pages use, allowed by hash.
No image, font or request leaves the hub. Two kinds of response are made inert (no
script at all, a sandbox) and left as they are otherwise: files a learner handed in,
which the formgrader serves from ``/formgrader/submissions/<id>/<file>`` (a learner's
``.html`` or ``.svg`` opened there runs nothing), and the formgrader's JSON API, which
nbgrader sends as ``text/html`` with learners' names and logs inside (a link to it
would otherwise be a page).

The policy is set by a tornado output transform, the one place that sees each page's
final HTML and headers, so nbgrader itself is not changed.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from urllib.parse import unquote

from tornado.web import OutputTransform

#: nbgrader 0.9's own inline event handlers (show/hide names, add an assignment or a
#: student). Allowed by hash: only these exact texts run, whatever element holds them.
FORMGRADER_HANDLERS = (
    "toggle_name(true);",
    "toggle_name(false);",
    "toggleAllNames()",
    "createAssignmentModal();",
    "createStudentModal();",
)
#: Where nbgrader's submission page starts printing the learner's notebook.
NOTEBOOK_START = 'id="notebook-container"'
#: Characters that would break out of HTML text or a JavaScript string in nbgrader's
#: templates, which print URL parts (assignment, notebook, student) unescaped.
UNSAFE_IN_URL = frozenset("<>\"'`\\")

FORMGRADER = re.compile(r"/formgrader(/|$)")
FORMGRADER_API = re.compile(r"/formgrader/api/")
SUBMISSION_PAGE = re.compile(r"/formgrader/submissions/[^/]+/?$")
#: A learner's own file, served beside their notebook (an image it shows, or anything).
SUBMISSION_FILE = re.compile(
    r"/formgrader/submissions/(?!components/)[^/]+/(?!(?:next|prev|next_incorrect|prev_incorrect)/?$).+"
)
SCRIPT_TAG = re.compile(r"<script\b", re.IGNORECASE)

#: A learner's file or an API answer opened on its own: a unique origin, no script,
#: nothing fetched but images from the hub.
INERT_CSP = "; ".join(
    [
        "default-src 'none'",
        "img-src 'self' data:",
        "style-src 'unsafe-inline'",
        "sandbox",
        "frame-ancestors 'self'",
    ]
)


def handler_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def formgrader_csp(nonce: str) -> str:
    """The policy of one formgrader page whose own scripts carry ``nonce``."""
    handlers = " ".join(handler_hash(source) for source in FORMGRADER_HANDLERS)
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'nonce-{nonce}' 'unsafe-hashes' {handlers}",
            # nbconvert inlines its CSS; learners' HTML keeps no style attribute.
            "style-src 'self' 'unsafe-inline'",
            # Charts come as data URIs; no beacon to another host.
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "form-action 'self'",
            # A learner's <base> would move every relative URL of the page elsewhere.
            "base-uri 'none'",
            "object-src 'none'",
            # The formgrader opens in its own tab and in the grader's JupyterLab.
            "frame-ancestors 'self'",
        ]
    )


def add_nonce(page: str, nonce: str, trusted_end: int | None = None) -> str:
    """``page`` with ``nonce`` on every ``<script>`` tag before ``trusted_end``."""
    end = len(page) if trusted_end is None else trusted_end
    tagged = SCRIPT_TAG.sub(f'<script nonce="{nonce}"', page[:end])
    return tagged + page[end:]


class FormgraderPolicy(OutputTransform):
    """Sets the policy of each formgrader response (see the module's docstring)."""

    def __init__(self, request) -> None:
        self.path = request.path

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        if not FORMGRADER.search(self.path):
            return status_code, headers, chunk
        if FORMGRADER_API.search(self.path) or SUBMISSION_FILE.search(self.path):
            headers["Content-Security-Policy"] = INERT_CSP
            return status_code, headers, chunk
        if not headers.get("Content-Type", "").startswith("text/html"):
            return status_code, headers, chunk
        nonce = secrets.token_urlsafe(18)
        headers["Content-Security-Policy"] = formgrader_csp(nonce)
        if UNSAFE_IN_URL & set(unquote(self.path)):
            chunk = b"This formgrader address holds characters no course name has."
            status_code = 400
        elif finishing:
            # A page sent in pieces keeps its scripts blocked; the formgrader sends
            # each page whole.
            page = chunk.decode("utf-8")
            end = page.find(NOTEBOOK_START) if SUBMISSION_PAGE.search(self.path) else -1
            chunk = add_nonce(page, nonce, end if end >= 0 else None).encode("utf-8")
        if "Content-Length" in headers:
            headers["Content-Length"] = str(len(chunk))
        return status_code, headers, chunk


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": __name__}]


def _load_jupyter_server_extension(serverapp) -> None:
    # First, so it sees each page before any compression does.
    serverapp.web_app.transforms.insert(0, FormgraderPolicy)
