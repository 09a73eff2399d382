"""Checks of a learner's answers, for lessons and for graded assignments.

- :mod:`~isoko.checks.self_check`: lesson exercises ("Your turn"). Prints one short line
  that reads well on a phone, never raises and never shows the expected value.
- :mod:`~isoko.checks.answers`: nbgrader tests. Raises ``AssertionError`` with a message
  that names the question and the likely mistake.

Pure Python: numpy and pandas values are recognised by their shape (``size``, ``item``,
``to_dict``), never imported, so a lesson pays nothing for them.
"""

from isoko.checks.answers import assert_close, assert_function, mapping, number
from isoko.checks.self_check import check_choice, check_function, check_number

__all__ = [
    "assert_close",
    "assert_function",
    "check_choice",
    "check_function",
    "check_number",
    "mapping",
    "number",
]
