"""The gallery's own words, translated with the simulators' catalogues (domain
``isoko-gallery``; the simulators' titles and questions are in the shared domain)."""

from __future__ import annotations

from collections.abc import Callable

from isoko import i18n
from isoko.i18n import N_

DOMAIN = "isoko-gallery"

#: The courses' short names, as a card shows them.
COURSE_NAMES = {
    "pricing": N_("Pricing"),
    "logistics": N_("Logistics"),
    "selling-online": N_("Selling online"),
}

GALLERY_TITLE = N_("Isoko simulators")
GALLERY_INTRO = N_(
    "Try the simulators of Isoko's courses: move a slider and watch the chart change. "
    "No account needed."
)
OPEN_APP = N_("Open the simulator")
#: Before a simulator's task (the number a learner finds with it).
YOUR_TASK = N_("Your task:")
COURSE = N_("Course: {course}")
ALL_SIMULATORS = N_("All simulators")
BUSY_TITLE = N_("The simulators are busy")
BUSY_TEXT = N_("Many people are using the simulators right now. Please try again in a minute.")
TRY_AGAIN = N_("Try again")
PREVIEW_NOTE = N_("This is the chart at its starting values; the controls are on their way.")
NOT_FOUND_TITLE = N_("No such simulator")
NOT_FOUND_TEXT = N_("This link does not lead to a simulator. Here are all of them.")


def translator(language: str) -> Callable[[str], str]:
    """The gallery's ``_`` in ``language``: its own catalogue, then the shared one."""
    return i18n.translator(DOMAIN, language)


def language_name(language: str) -> str:
    """The language named in itself (``Français``), as My courses names it too."""
    return i18n.native_name(language)
