"""Numbers for people: thousands separators, sensible precision, plain ranges."""

import math
import numbers
import re

import numpy as np
import pandas as pd

__all__ = [
    "code_like",
    "format_about",
    "format_cell",
    "format_guess",
    "format_number",
    "parse_answer",
]

MISSING = "(missing)"


def format_number(value, digits=6):
    """A number as a person reads it: ``289,312``, ``153.7``, ``0.00012``.

    At most ``digits`` significant digits, trailing zeros dropped, a thousands
    separator from 1,000 on. Very large or very small magnitudes fall back to
    scientific notation.
    """
    if value is None:
        return MISSING
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    value = float(value)
    if math.isnan(value):
        return MISSING
    if math.isinf(value):
        return "infinity" if value > 0 else "minus infinity"
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    if magnitude >= 15 or magnitude < -4:
        return f"{value:.{max(digits - 1, 0)}g}".replace("e+", "e")
    decimals = min(max(digits - 1 - magnitude, 0), 10)
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def format_about(value, digits=2):
    """A rough number: ``32,713`` becomes ``33,000`` (``digits`` significant)."""
    value = float(value)
    if not math.isfinite(value) or value == 0:
        return format_number(value)
    magnitude = math.floor(math.log10(abs(value)))
    return format_number(round(value, digits - 1 - magnitude), digits=digits)


def format_cell(value, *, grouped=True):
    """A table cell: numbers formatted for people, anything else as its text.

    ``grouped=False`` leaves whole numbers without a thousands separator (a
    year, a postcode, an id).
    """
    if not grouped and isinstance(value, (numbers.Number, np.number)):
        if not isinstance(value, (bool, np.bool_)) and float(value).is_integer():
            return str(int(value))
    if value is None:
        return MISSING
    if isinstance(value, (numbers.Number, np.number, np.bool_)):
        return format_number(value)
    try:
        if pd.isna(value) is True:  # NaN, pandas NA and NaT
            return MISSING
    except (TypeError, ValueError):
        pass
    return str(value)


_CODE_WORDS = {"year", "yr", "id", "zip", "postcode", "code", "number", "no"}


def code_like(name):
    """Whether a column's name says its numbers are labels, not amounts."""
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(name)).lower()
    words = "".join(ch if ch.isalnum() else " " for ch in text).split()
    return any(word in _CODE_WORDS for word in words)


def _step(spread):
    """A round step of the spread's own size: 40,000 -> 10,000; 500 -> 100."""
    return 10.0 ** math.floor(math.log10(spread))


def _rounded(value, step):
    rounded = round(value / step) * step
    if step >= 1:
        return format_number(int(round(rounded)))
    return format_number(round(rounded, -math.floor(math.log10(step))))


def format_guess(mean, std):
    """The model's guess and its plain-language range.

    Returns
    -------
    guess : str
        For example ``"about 289,000"``, or ``""`` without a guess.
    range : str
        For example ``"likely 250,000–330,000"`` (the guess plus or minus
        the spread), or ``""`` without a spread.
    """
    if mean is None or not np.isfinite(mean):
        return "", ""
    if std is None or not np.isfinite(std) or std <= 0:
        return f"about {format_about(mean, digits=4)}", ""
    step = _step(std)
    low, high = mean - std, mean + std
    return (
        f"about {_rounded(mean, step / 10)}",
        f"likely {_rounded(low, step)}\u2013{_rounded(high, step)}",
    )


def parse_answer(text):
    """A typed answer as a float: ``250000``, ``250,000``, ``2.5e5``, ``-3.2``.

    Commas are accepted only as thousands separators (``1,234,567.8``), so
    ``2,5`` is refused rather than read as 25 or 2.5.

    Raises
    ------
    ValueError
        When the text is not a number; the message quotes it.
    """
    if not isinstance(text, str):
        if isinstance(text, (numbers.Real, np.number)) and not isinstance(text, bool):
            return float(text)
        raise ValueError(f"{text!r} is not a number; type a number.")
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace("_", "")
    if "," in cleaned:
        whole, _, fraction = cleaned.partition(".")
        sign = whole[:1] if whole[:1] in "+-" else ""
        groups = whole[len(sign) :].split(",")
        if not (
            groups[0].isdigit()
            and 1 <= len(groups[0]) <= 3
            and all(len(g) == 3 and g.isdigit() for g in groups[1:])
        ):
            raise ValueError(
                f"{text!r} is not a number; use a comma only between thousands "
                "(250,000) and a point for decimals (2.5)."
            )
        cleaned = sign + "".join(groups) + ("." + fraction if fraction else "")
    try:
        return float(cleaned)
    except ValueError:
        raise ValueError(f"{text!r} is not a number; type a number.") from None
