"""How a figure reads, on a page, in a PDF and in a CSV: one rounding rule, one spelling.

Plain Python, no Django, so that templates, tables, exports and documents all call the same
functions and a figure reads the same wherever it is shown.

- Rounding is half up on the displayed figure (12,25 → 12,3; 0,125 at two places → 0,13;
  −12,25 → −12,3: halves go away from zero). The value is taken through ``str`` into a
  ``Decimal`` first, so a float reads as written (0.35 → 0,4), never as its binary
  neighbour, and never with the banker's rounding of the builtin ``round``.
- Russian decimal comma; the minus is «−».
- In figures of five digits and more the thousands are separated by a narrow no-break space
  (U+202F): 12 345,6. Four digits stay together (1234), as Russian typography has it, so a
  year (2026) or a code put through these functions by mistake is not broken up.
- A missing figure (``None`` or ``""``) reads «—».

XLSX exports keep numbers as numbers (``rounded``): the cell's number format shows them.
CSV cells use ``csv_number``: a decimal comma, no separators, so Russian Excel reads a number.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

DASH = "—"
MINUS = "\u2212"
THOUSANDS = "\u202f"  # narrow no-break space
BEFORE_UNIT = "\u00a0"  # no-break space: «12,3 %»
GROUP_FROM = 5  # digits in the integer part from which thousands are separated


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None


def rounded(value: Any, places: int = 1) -> Decimal | None:
    """The figure as it is shown, as a number: half up to ``places``; ``None`` when missing."""
    number = _decimal(value)
    if number is None or not number.is_finite():
        return None
    result = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return result + 0 if result.is_zero() else result  # −0,0 reads 0,0


def _group(digits: str) -> str:
    if len(digits) < GROUP_FROM:
        return digits
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return THOUSANDS.join(groups)


def _spell(number: Decimal, places: int, *, group: bool, minus: str) -> str:
    text = f"{abs(number):.{places}f}"
    whole, _, fraction = text.partition(".")
    if group:
        whole = _group(whole)
    sign = minus if number < 0 else ""
    return sign + whole + ("," + fraction if fraction else "")


def number(value: Any, places: int = 1) -> str:
    """A figure for reading: ``12345.65`` → «12 345,7»; ``None`` → «—»."""
    result = rounded(value, places)
    if result is None:
        return DASH
    return _spell(result, places, group=True, minus=MINUS)


def signed(value: Any, places: int = 1) -> str:
    """A change: ``11.25`` → «+11,3», ``-2`` → «−2,0», zero → «0,0»; ``None`` → «—»."""
    result = rounded(value, places)
    if result is None:
        return DASH
    text = _spell(result, places, group=True, minus=MINUS)
    return "+" + text if result > 0 else text


def value(value: Any, unit: str, places: int = 1) -> str:
    """A figure in its unit: «12,3 %» for a percentage; other units (баллы, отметки, чел.)
    read as plain numbers, their unit being named in the column header."""
    return percent(value, places) if unit == "%" else number(value, places)


def integer(value: Any) -> str:
    """A count: ``100000`` → «100 000»; ``None`` → «—»."""
    return number(value, 0)


def percent(value: Any, places: int = 1) -> str:
    """A percentage: ``12.345`` → «12,3 %»; ``None`` → «—» (without the sign)."""
    text = number(value, places)
    return text if text == DASH else text + BEFORE_UNIT + "%"


def trimmed(value: Any, places: int = 2) -> str:
    """A stored target or value without trailing zeros: ``Decimal("12.50")`` → «12,5»."""
    result = rounded(value, places)
    if result is None:
        return DASH
    exponent = result.normalize().as_tuple().exponent
    shown = max(0, -exponent) if isinstance(exponent, int) else 0
    return _spell(result, shown, group=True, minus=MINUS)


def csv_number(value: Any, places: int | None = None) -> str:
    """A number for a CSV cell: ``12.25`` → «12,3» (with ``places=1``), «12,25» without;
    no thousands separators and an ASCII minus, so that a spreadsheet reads it as a number.
    ``None`` → empty cell."""
    number_ = _decimal(value) if places is None else rounded(value, places)
    if number_ is None:
        return ""
    if places is None:
        text = f"{number_:f}"
        return text.replace(".", ",")
    return _spell(number_, places, group=False, minus="-")
