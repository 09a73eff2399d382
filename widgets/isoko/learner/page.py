"""The frame of every learner page: one column for a phone, styles inline, nothing else.

Pages carry no script and load nothing from anywhere: the only style is the block
below, allowed by its hash in the Content-Security-Policy, so a page works on an
offline classroom network and nothing a learner wrote can run in it.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape

STYLE = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:#1d2327;background:#f4f5f2;overflow-wrap:anywhere}
header{background:#1f5130;color:#fff;padding:.7rem 1rem}
header a{color:#fff}
header nav{font-size:.9rem;margin-top:.2rem}
main{max-width:46rem;margin:0 auto;padding:.5rem .75rem 3rem}
h1{font-size:1.3rem;margin:.2rem 0}
h2{font-size:1.15rem;margin:1.4rem 0 .4rem}
h3{font-size:1rem;margin:.2rem 0}
section,.card{background:#fff;border:1px solid #d5d9d0;border-radius:.5rem;padding:.75rem;
margin:.6rem 0}
ul.links{list-style:none;padding:0;margin:0}
ul.links li{margin:.15rem 0}
ul.links a{display:block;padding:.55rem .2rem;border-bottom:1px solid #eceee8}
a{color:#1d5fa8}
.state{color:#555;font-size:.9rem;margin:.1rem 0 .4rem}
form{display:inline}
.actions{display:flex;flex-wrap:wrap;gap:.4rem;margin-top:.4rem}
button,.button{font:inherit;font-size:.95rem;padding:.55rem .9rem;border-radius:.4rem;
border:1px solid #1f5130;background:#1f5130;color:#fff;text-decoration:none;
display:inline-block;cursor:pointer}
.button.plain,button.plain{background:#fff;color:#1f5130}
.note{border-left:.35rem solid #1d5fa8;background:#eef4fb}
.note.bad{border-left-color:#b3261e;background:#fcefee}
.note.good{border-left-color:#1f7a3a;background:#edf7ef}
.note ul{padding-left:1.1rem;margin:.3rem 0}
.score{font-weight:600;white-space:nowrap}
.full{border-left:.35rem solid #1f7a3a}
.part{border-left:.35rem solid #c77700}
.none{border-left:.35rem solid #b3261e}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f7f7f4;border:1px solid #e3e5df;
padding:.5rem;margin:.3rem 0;font:13px/1.4 ui-monospace,Menlo,Consolas,monospace}
.msg{color:#8a1c16}
.small{font-size:.85rem;color:#555}
details summary{cursor:pointer;color:#1d5fa8}
.languages{font-size:.9rem;margin-top:.3rem}
.languages button{font:inherit;background:none;border:0;color:#fff;padding:.2rem 0;
text-decoration:underline;cursor:pointer}
"""


def _hash(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


#: No script, no frames, no requests anywhere; forms post back to this server only.
CSP = (
    "default-src 'none'; "
    f"style-src 'sha256-{_hash(STYLE)}'; "
    "img-src 'self' data:; "
    "form-action 'self'; "
    "frame-ancestors 'self'; "
    "base-uri 'none'"
)


def document(title: str, body: str, header: str = "", language: str = "en") -> str:
    """A whole page: ``title`` is text (escaped here), ``body`` and ``header`` are HTML;
    ``language`` is the page's (its ``lang``, which screen readers and fonts follow)."""
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<header>{header or f'<h1>{escape(title)}</h1>'}</header>"
        f"<main>{body}</main></body></html>\n"
    )
