"""Grid headers name each column's unit once, in the language's own brackets."""

from __future__ import annotations

import pytest

from layouts.grid import indicator_column, with_unit
from layouts.village import village_column
from metrics.indicators import INDICATORS


@pytest.mark.parametrize(("indicator_id", "lang", "header"), [
    ("service_cases", "zh", "办件量（件）"),
    ("service_cases", "en", "service cases"),
    ("service_overdue_cases", "en", "overdue in the period (cases)"),
    ("volunteer_hours", "en", "volunteer hours"),
    ("service_on_time_rate", "en", "finished on time (%)"),
    ("collective_income_mean", "en", "mean collective income (10k yuan)"),
])
def test_an_indicator_s_header(indicator_id: str, lang: str, header: str) -> None:
    assert indicator_column(indicator_id, lang).header == header


def test_a_unit_is_a_whole_word_of_the_name() -> None:
    assert with_unit("casework hours", "cases", "en") == "casework hours (cases)"
    assert with_unit("share of villages", "%", "en") == "share of villages (%)"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_header_says_its_unit_twice_or_mixes_brackets(lang: str) -> None:
    for indicator_id in INDICATORS:
        for column in (indicator_column(indicator_id, lang), village_column(indicator_id, lang)):
            header = column.header
            assert ("（" if lang == "en" else "(") not in header, header
            if lang == "en" and header.endswith(")"):
                unit = header[header.rindex("(") + 1:-1]
                assert unit not in header[:header.rindex("(")], header
