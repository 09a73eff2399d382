"""The nbgrader settings of Isoko's grading, for every place a grader runs nbgrader.

Written into the formgraders' Jupyter configuration and into each course folder's
``nbgrader_config.py`` (last, so that `nbgrader autograde` run there is sandboxed too).
"""

from __future__ import annotations

GRADING_CONFIG = """\
# Learner code is graded in Isoko's sandbox, never with the grader's rights.
from isoko.grading.execute import sandboxed_autograde_preprocessors
c.Autograde.autograde_preprocessors = sandboxed_autograde_preprocessors()
c.SandboxedExecute.sandbox_account = {account!r}
# A test cell warns as changed only if the learner changed it, not for its hidden tests.
from isoko.grading.overwrite import honest_sanitize_preprocessors
c.Autograde.sanitize_preprocessors = honest_sanitize_preprocessors()
# Feedback shows learners how they did, not the hidden tests.
from isoko.grading.feedback import feedback_preprocessors
c.GenerateFeedback.preprocessors = feedback_preprocessors()
# ... written as a page a learner reads on a phone: each question named, with its score.
c.GenerateFeedback.exporter_class = "isoko.learner.feedback.FeedbackPageExporter"
# Feedback and the formgrader's pages load no MathJax from a CDN.
from traitlets.config import Config as _Config
from isoko.courses.html_templates import grader_template_config
c.merge(_Config({{"HTMLExporter": grader_template_config()}}))
"""


def grading_config(account: str) -> str:
    """nbgrader config lines: autograde in the sandbox as ``account``, feedback without
    hidden tests. An empty ``account`` runs the sandbox as the caller (a trial)."""
    return GRADING_CONFIG.format(account=account)
