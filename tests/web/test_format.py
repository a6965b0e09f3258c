"""Tests of skactive/web/_format.py: numbers for people and typed answers."""

import numpy as np
import pandas as pd
import pytest

from skactive.web._format import (
    code_like,
    format_about,
    format_cell,
    format_guess,
    format_number,
    parse_answer,
)


@pytest.mark.parametrize(
    "value, text",
    [
        (289312.47, "289,312"),
        (1234567, "1,234,567"),
        (153.7, "153.7"),
        (2.0, "2"),
        (0.000123, "0.000123"),
        (-4500.25, "-4,500.25"),
        (float("nan"), "(missing)"),
        (None, "(missing)"),
        (np.int64(12000), "12,000"),
    ],
)
def test_format_number(value, text):
    assert format_number(value) == text


def test_format_cell_keeps_text_and_codes():
    assert (
        format_cell('<img src=x onerror="alert(1)">')
        == '<img src=x onerror="alert(1)">'
    )
    assert format_cell(pd.NA) == "(missing)"
    assert format_cell(1985, grouped=False) == "1985"
    assert code_like("year_built") and code_like("YearBuilt") and code_like("zip")
    assert not code_like("sqft")


def test_guess_and_plain_range():
    assert format_guess(289312.0, 40000.0) == (
        "about 289,000",
        "likely 250,000\u2013330,000",
    )
    assert format_guess(289312.0, 0.0) == ("about 289,300", "")
    assert format_guess(float("nan"), 1.0) == ("", "")
    assert format_about(32713.2) == "33,000"


@pytest.mark.parametrize(
    "text, value",
    [
        ("250000", 250000.0),
        ("250,000", 250000.0),
        (" 2.5e5 ", 250000.0),
        ("1,234,567.5", 1234567.5),
        ("-3.25", -3.25),
    ],
)
def test_parse_answer(text, value):
    assert parse_answer(text) == value


@pytest.mark.parametrize("text", ["2,5", "1,23", "abc", "", "12 apples"])
def test_parse_answer_refuses(text):
    with pytest.raises(ValueError, match="not a number"):
        parse_answer(text)
