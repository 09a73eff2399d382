"""Notebook 7's pages on a learner server whose MathJax setting is Voilà's.

Learner servers set ``mathjax_url`` to None so that Voilà uses the MathJax it bundles
instead of a CDN (``isoko.hub.server_config.voila_settings``). Notebook 7 builds every
page's config from that setting and expects a string: with None, ``/notebooks/...``
and ``/tree`` answer 500. Notebook 7 itself draws maths with the MathJax bundled in its
own JavaScript and never loads that URL, so its pages are given the string they
expect; Voilà keeps seeing None.
"""

from __future__ import annotations

import functools


def let_notebook_pages_work_without_a_mathjax_url() -> None:
    from notebook.app import NotebookBaseHandler

    original = NotebookBaseHandler.get_page_config
    if getattr(original, "isoko_without_mathjax_url", False):
        return

    @functools.wraps(original)
    def get_page_config(self):
        settings = self.settings
        if settings.get("mathjax_url", "") is not None:
            return original(self)
        # Tornado runs handlers one at a time on its loop, and this call does not await:
        # no other request sees the temporary value.
        settings["mathjax_url"] = ""
        try:
            return original(self)
        finally:
            settings["mathjax_url"] = None

    get_page_config.isoko_without_mathjax_url = True
    NotebookBaseHandler.get_page_config = get_page_config
