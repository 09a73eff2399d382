"""nbconvert templates that grader pages look up before nbconvert's own.

``base/mathjax.html.j2`` replaces nbconvert's MathJax macro (a script from a CDN) in the
pages nbgrader makes for graders: the formgrader's submission page and the feedback.
:func:`grader_template_config` says where nbconvert should look.
"""

from __future__ import annotations

from pathlib import Path

TEMPLATES = Path(__file__).parent


def grader_template_config() -> dict:
    """``HTMLExporter`` settings that put these templates first for a grader's nbgrader.

    The formgrader reads ``extra_template_paths``; nbgrader's feedback step replaces
    those with its own and reads ``extra_template_basedirs`` instead, whose first entry
    must stay nbgrader's (where its ``feedback`` and ``formgrade`` templates live).
    """
    import nbgrader.server_extensions.formgrader.handlers as formgrader

    return {
        "extra_template_paths": [str(TEMPLATES / "base")],
        "extra_template_basedirs": [formgrader.template_path, str(TEMPLATES)],
    }
