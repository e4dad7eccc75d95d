"""Place names in English: the official pinyin form with the Chinese after it."""

from __future__ import annotations

import pytest

from layouts.i18n import term
from layouts.places import english_name, know_english_names, place_name


@pytest.fixture(autouse=True)
def _no_known_names():
    know_english_names({})
    yield
    know_english_names({})


@pytest.mark.parametrize(("name", "english"), [
    ("新厂镇", "Xinchang Town"), ("久合垸乡", "Jiuheyuan Township"),
    ("笔架山街道", "Bijiashan Subdistrict"), ("指路碑村委会", "Zhilubei Village"),
    ("琴台居委会", "Qintai Community"), ("南湖村", "Nanhu Village"),
    # An apostrophe before a syllable that starts with a, o or e.
    ("天鹅洲开发区", "Tian'ezhou Development Zone"), ("观音庵村", "Guanyin'an Village"),
    ("市本级", "City level"),
])
def test_a_name_is_spelled_in_pinyin_with_its_kind_in_english(name, english) -> None:
    assert english_name(name) == english
    assert place_name(name, "en") == f"{english} ({name})"


def test_the_divisions_own_english_name_wins_over_the_dictionary() -> None:
    assert english_name("调关镇") == "Diaoguan Town"  # the dictionary's reading of 调
    know_english_names({"调关镇": "Tiaoguan Town"})
    assert place_name("调关镇", "en") == "Tiaoguan Town (调关镇)"


def test_chinese_pages_and_latin_names_stay_as_they_are() -> None:
    assert place_name("调关镇", "zh") == "调关镇"
    assert place_name("Synthetic County 3", "en") == "Synthetic County 3"
    assert place_name("", "en") == ""


def test_vocabulary_values_read_in_english() -> None:
    assert term("已办结", "en") == "completed"
    assert term("村委会", "en") == "village committee"
    assert term("已办结", "zh") == "已办结"
    assert term("未知值", "en") == "未知值"
