"""Place names in the English interface: the official pinyin form with the Chinese after it,
"Tiaoguan Town (调关镇)", so that a reader who does not read Chinese can say the name and one
who does can check it.

The English name is the division's own (`name_en`, from the divisions file: the reviewed
spelling, which settles readings a dictionary gets wrong, as 调关 Tiaoguan, not Diaoguan).
Without one it is spelled here as 《中国地名汉语拼音字母拼写规则》 spells names: the name proper
in tone-less pinyin, its syllables joined (an apostrophe before a syllable that starts with a,
o or e: Tian'ezhou), the first letter capital; the kind of unit translated (镇 Town, 乡
Township, 街道 Subdistrict, 村 Village, ...).

The divisions' English names are data: the app hands them over with `know_english_names`
before each request (dashboard/app.py) once they change."""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping

from pypinyin import Style, lazy_pinyin

from layouts.i18n import Lang

# Longest first: 村委会 before 村, 开发区 before 区.
UNIT_WORDS: tuple[tuple[str, str], ...] = (
    ("村民委员会", "Village"), ("居民委员会", "Community"), ("村委会", "Village"),
    ("居委会", "Community"), ("社区", "Community"), ("生活区", "Residential Area"),
    ("开发区", "Development Zone"), ("管理区", "Administrative Area"), ("街道", "Subdistrict"),
    ("镇", "Town"), ("乡", "Township"), ("村", "Village"), ("市", "City"), ("县", "County"),
    ("区", "District"),
)
# Names that are not places but stand where a place does (the area's own halls in a township
# column: metrics.weekly.OWN_HALL_NAMES).
FIXED = {"市本级": "City level", "县（市、区）本级": "County level"}
CJK = re.compile(r"[\u3400-\u9fff]")

_lock = threading.Lock()
_known: dict[str, str] = {}
_spelled: dict[str, str] = {}


def know_english_names(names: Mapping[str, str]) -> None:
    """The divisions' own English names, by Chinese name (replacing those known before)."""
    global _known, _spelled
    if names == _known:
        return
    with _lock:
        _known, _spelled = dict(names), {}


def joined_places(names: tuple[str, ...], lang: Lang) -> str:
    """A place named by several divisions, the larger first: "合成01·横沟市镇" (a township of a
    prefecture's county)."""
    return "·".join(place_name(name, lang) for name in names)


def place_name(name: str, lang: Lang) -> str:
    """The name as the interface shows it: itself in Chinese; "Tiaoguan Town (调关镇)" in
    English (a name without Chinese characters as it is)."""
    if lang != "en" or not name or not CJK.search(name):
        return name
    return f"{english_name(name)} ({name})"


def map_label(name: str, lang: Lang) -> str:
    """A name written on a map, where space is short: the English name without its kind of
    unit ("Tiaoguan"; the hover and the ranking beside give the whole name)."""
    if lang != "en" or not CJK.search(name):
        return name
    english = english_name(name)
    for _suffix, word in UNIT_WORDS:
        if english.endswith(" " + word):
            return english[:-len(word) - 1]
    return english


def english_name(name: str) -> str:
    """The English name alone: the division's own, else spelled from the Chinese."""
    known = _known.get(name) or FIXED.get(name)
    if known:
        return known
    spelled = _spelled.get(name)
    if spelled is None:
        spelled = _spelled[name] = _spell(name)
    return spelled


def _spell(name: str) -> str:
    for suffix, word in UNIT_WORDS:
        if name.endswith(suffix) and len(name) > len(suffix):
            return f"{_pinyin(name[:-len(suffix)])} {word}"
    return _pinyin(name)


def _pinyin(text: str) -> str:
    syllables = lazy_pinyin(text, style=Style.NORMAL, errors="default", v_to_u=True)
    joined = "".join(("'" + s if i and s[:1] in ("a", "o", "e") else s)
                     for i, s in enumerate(syllables))
    return joined[:1].upper() + joined[1:]
