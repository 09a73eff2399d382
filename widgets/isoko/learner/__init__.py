"""The learner's home in their own Jupyter server: ``/learn``, made for a phone.

One page lists the courses the learner is in, each with its lessons (opened in
Notebook 7's single-document view), its apps (Voilà) and its assignments with one
button per step: Fetch, Open, Validate, Submit, Feedback. The steps are nbgrader's own
(see :mod:`isoko.learner.coursework`); feedback is a page naming each question and its
score (:mod:`isoko.learner.feedback`). JupyterLab stays one link away.
"""

from __future__ import annotations


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "isoko.learner"}]


def _load_jupyter_server_extension(serverapp) -> None:
    from isoko.learner.handlers import handlers
    from isoko.learner.notebook_pages import let_notebook_pages_work_without_a_mathjax_url

    let_notebook_pages_work_without_a_mathjax_url()
    base_url = serverapp.web_app.settings["base_url"]
    serverapp.web_app.add_handlers(".*$", handlers(base_url))
    serverapp.log.info("Learner home at %slearn", base_url)
