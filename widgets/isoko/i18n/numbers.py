"""Numbers, money and shares written the way a language writes them, from Babel's
locale data (CLDR): ``14,610.5`` in English and Swahili, ``14 610,5`` in French.

Money shows the currency's code, never a symbol (``RWF 14,610``, ``14 610 RWF``,
``USD 8.49``): a learner compares francs and dollars side by side, and ``$`` or ``RF``
would hide which is which. Every function rounds as Python's ``format`` does
(``f"{value:.2f}"``) before Babel writes the digits, so a language changes how a
number is written, never its value.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.numbers import NumberPattern, parse_pattern

#: The minus sign in front of an amount of money, in every language.
MONEY_MINUS = "\u2212"

#: CLDR groups French thousands with a narrow no-break space (U+202F); the catalogues
#: use the ordinary no-break space (U+00A0) between a number and its unit, many phone
#: fonts draw U+202F as a box, and chart ids are digests of their text. So numbers
#: keep U+00A0, which French typography also accepts.
NARROW_NO_BREAK_SPACE, NO_BREAK_SPACE = "\u202f", "\u00a0"


@cache
def locale_of(language: str) -> Locale:
    """Babel's locale for ``language`` (``"fr"``, ``"sw"``); ``ValueError`` if unknown."""
    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError, TypeError) as error:
        raise ValueError(f"no number formats for language {language!r}: {error}") from error


def decimal_mark(language: str) -> str:
    """The decimal symbol of ``language``: ``.`` in English and Swahili, ``,`` in French."""
    return locale_of(language).number_symbols["latn"]["decimal"]


def _symbol(language: str, name: str) -> str:
    return locale_of(language).number_symbols["latn"][name]


def _pattern(pattern: str) -> NumberPattern:
    """The positive half of a CLDR pattern (``#,##0.00 ¤``)."""
    return parse_pattern(pattern.split(";")[0])


def number(value: float, language: str, decimals: int = 0) -> str:
    """``value`` with ``decimals`` digits after the decimal mark and grouped thousands:
    ``14,610.5`` (en, sw), ``14 610,5`` (fr, no-break spaces)."""
    text = f"{value:.{decimals}f}"
    pattern = _pattern(locale_of(language).decimal_formats[None].pattern)
    pattern.frac_prec = (decimals, decimals)
    digits = pattern.apply(Decimal(text.lstrip("-")), locale_of(language)).replace(
        NARROW_NO_BREAK_SPACE, NO_BREAK_SPACE
    )
    # The sign is the text's own: Python writes -0 for a small negative value, and so
    # did the readouts before their numbers came from Babel.
    return _symbol(language, "minusSign") + digits if text.startswith("-") else digits


def money(amount: float, currency: str, language: str, decimals: int = 0) -> str:
    """``amount`` of ``currency`` (an ISO code, shown as is) where ``language`` puts
    it: ``RWF 14,610`` and ``USD 8.49`` (en), ``14 610 RWF`` (fr), ``RWF 14,610`` (sw).
    A minus sign (U+2212) goes in front of a negative amount."""
    sign = MONEY_MINUS if round(amount, decimals) < 0 else ""
    pattern = _pattern(locale_of(language).currency_formats["standard"].pattern)
    before, after = pattern.prefix[0], pattern.suffix[0]
    # CLDR separates a currency code from the digits; English patterns carry no space
    # of their own (the code is written "RWF 14,610", with an ordinary space).
    if before.endswith("¤"):
        before += " "
    if after.startswith("¤"):
        after = " " + after
    written = number(abs(amount), language, decimals)
    return f"{sign}{before.replace('¤', currency)}{written}{after.replace('¤', currency)}"


def share(value: float, language: str, decimals: int = 0) -> str:
    """A share (0.025) as a percentage: ``2.5%`` (en, sw), ``2,5 %`` (fr)."""
    pattern = _pattern(locale_of(language).percent_formats[None].pattern)
    percent = _symbol(language, "percentSign")
    before, after = (part.replace("%", percent) for part in (pattern.prefix[0], pattern.suffix[0]))
    return f"{before}{number(value * 100, language, decimals)}{after}"


def with_decimal_mark(text: str, language: str) -> str:
    """A number written with a decimal point (``8.5``), with ``language``'s decimal
    mark instead (``8,5`` in French)."""
    return text.replace(".", decimal_mark(language))


def readout_format(fmt: str, language: str) -> str:
    """A slider's readout format (``",.0f"``, drawn by the browser with a decimal point
    and thousands commas) without the thousands commas where a comma is the decimal
    mark: ``1,461`` would read as 1.461."""
    return fmt.replace(",", "") if decimal_mark(language) == "," else fmt
