"""Shared helpers of the demo generator: seeded RNGs, the division context, dates, names, codes
and the conversion of typed frames into what a county types into the template.

Every random stream is `numpy.random.default_rng` seeded from a fixed base seed and the name of
the stream (CRC-32, not Python's salted `hash`), so a build depends on nothing but `as_of`.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from data_access.importing.spec import Domain
from data_access.paths import REFERENCE_DIR
from metrics.vocabulary import ASSESSED_UNIT_TYPE, VILLAGE_UNIT_TYPES
from metrics.workdays import add_working_days_array, is_workday

# The demo's county and its divisions (NBS codes, data/reference/SOURCES.md).
DEMO_DIVISIONS = REFERENCE_DIR / "shishou_divisions.csv"
DEMO_COUNTY_CODE = "421081000000"
BASE_SEED = 421081
WINDOW_MONTHS = 24
MINUTES_A_DAY = 24 * 60


def rng_for(stream: str, *extra: int) -> np.random.Generator:
    """The random generator of one named stream (a domain, optionally a year)."""
    return np.random.default_rng([BASE_SEED, zlib.crc32(stream.encode("utf-8")), *extra])


# --- the division context -------------------------------------------------------------------


@dataclass(frozen=True)
class DemoContext:
    """What every generator needs: the day the data runs to, the divisions, their population."""

    as_of: dt.date
    divisions: pd.DataFrame  # index code (sorted); name, short_name, level, unit_type, parent_code
    population: pd.Series  # code -> persons, for the county, townships and village-level units

    @property
    def county_code(self) -> str:
        return str(self.divisions.index[self.divisions["level"] == "county"][0])

    @property
    def townships(self) -> pd.DataFrame:
        return self.divisions[self.divisions["level"] == "township"]

    @property
    def village_units(self) -> pd.DataFrame:
        """All 203 village-level units, 生活区 included."""
        return self.divisions[self.divisions["level"] == "village"]

    @property
    def stations(self) -> pd.DataFrame:
        """The 192 villages and communities (村委会, 居委会, 社区): no 生活区."""
        units = self.village_units
        return units[units["unit_type"].isin(VILLAGE_UNIT_TYPES)]

    @property
    def assessed(self) -> pd.DataFrame:
        """The 153 村委会 whose collective income is assessed."""
        units = self.village_units
        return units[units["unit_type"] == ASSESSED_UNIT_TYPE]

    @property
    def end_of_day(self) -> dt.datetime:
        return dt.datetime.combine(self.as_of, dt.time(23, 59))

    @property
    def window_start(self) -> dt.date:
        """First day of the 24 months that end on as_of."""
        return months_before(self.as_of, WINDOW_MONTHS) + dt.timedelta(days=1)

    @property
    def last_full_year(self) -> int:
        return self.as_of.year - 1


def make_context(divisions: pd.DataFrame, as_of: dt.date, population: pd.Series) -> DemoContext:
    if not (divisions["level"] == "county").any() or not (divisions["level"] == "village").any():
        raise ValueError("请先导入区划代码 / load the reference divisions first")
    columns = ["name", "short_name", "level", "unit_type", "parent_code"]
    frame = divisions[columns].sort_index()
    return DemoContext(as_of=as_of, divisions=frame, population=population)


# --- dates ----------------------------------------------------------------------------------


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
    return dt.date(year, month, min(day.day, (next_month - dt.timedelta(days=1)).day))


def day_range(first: dt.date, last: dt.date) -> np.ndarray:
    """Every day from first to last inclusive, as datetime64[D]."""
    return np.arange(np.datetime64(first), np.datetime64(last) + 1)


def workday_mask(days: np.ndarray) -> np.ndarray:
    return np.array([is_workday(day) for day in days.astype(object)], dtype=bool)


def add_workdays(days: np.ndarray, counts: np.ndarray | int) -> np.ndarray:
    """Working-day arithmetic over datetime64[D] arrays (China's holidays and make-up days)."""
    days = np.asarray(days, dtype="datetime64[D]")
    counts = np.broadcast_to(np.asarray(counts, dtype=np.int64), days.shape)
    return add_working_days_array(days, counts)


def month_index(days: np.ndarray) -> np.ndarray:
    """Calendar month 1..12 of datetime64[D] days."""
    return days.astype("datetime64[M]").astype(np.int64) % 12 + 1


def to_datetime(days: np.ndarray, minutes: np.ndarray | int) -> np.ndarray:
    """datetime64[m] from days and minutes after midnight."""
    return days.astype("datetime64[m]") + np.asarray(minutes, dtype=np.int64).astype(
        "timedelta64[m]")


def office_minutes(rng: np.random.Generator, n: int) -> np.ndarray:
    """Minutes after midnight within office hours: 08:30-12:00 and 14:30-17:30."""
    morning = rng.random(n) < 0.58
    return np.where(morning, rng.integers(8 * 60 + 30, 12 * 60, n),
                    rng.integers(14 * 60 + 30, 17 * 60 + 30, n))


def stochastic_round(rng: np.random.Generator, values: np.ndarray) -> np.ndarray:
    """Rounds down or up with the fraction as the chance of up: sums stay unbiased."""
    floor = np.floor(values)
    return (floor + (rng.random(values.shape) < values - floor)).astype(np.int64)


# --- names and codes ------------------------------------------------------------------------

SURNAMES = ("王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
            "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
            "顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文覃向")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂华文辉建国红玲斌林峰鹏波宇浩凯健俊帆晨"
         "欣怡婷雪琳晶慧海兵亮志新春梅燕立成龙飞云清德永祥荣兰凤英萍琴颖卫东胜利民安")


def person_names(rng: np.random.Generator, n: int) -> list[str]:
    """n distinct Chinese personal names (surname plus one or two characters)."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        surname = SURNAMES[int(rng.integers(len(SURNAMES)))]
        length = 1 if rng.random() < 0.3 else 2
        given = "".join(GIVEN[int(i)] for i in rng.integers(len(GIVEN), size=length))
        name = surname + given
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V, Z
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_check(body: str) -> str:
    """Check character of a 9-character organisation code (GB 11714)."""
    total = sum(int(c, 36) * w for c, w in zip(body, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def _credit_check(body: str) -> str:
    total = sum(CODE_CHARS.index(c) * w for c, w in zip(body, CREDIT_WEIGHTS, strict=True))
    return CODE_CHARS[(31 - total % 31) % 31]


def credit_codes(rng: np.random.Generator, n: int, prefix: str, taken: set[str] | None = None
                 ) -> list[str]:
    """Distinct 18-character unified social credit codes registered in Shishou (421081).

    `prefix` is the registering authority and kind: 91 enterprise, 92 individual business,
    93 farmers' cooperative, 11 government body.
    """
    taken = set() if taken is None else taken
    out: list[str] = []
    while len(out) < n:
        tail = "".join(CODE_CHARS[int(i)] for i in rng.integers(len(CODE_CHARS), size=6))
        org = "MA" + tail
        body = f"{prefix}421081{org}{_org_check(org)}"
        code = body + _credit_check(body)
        if code not in taken:
            taken.add(code)
            out.append(code)
    return out


# --- typed frame -> template values ---------------------------------------------------------


def _iso(values: pd.Series, unit: Literal["D", "m"]) -> pd.Series:
    """YYYY-MM-DD (unit D) or YYYY-MM-DD HH:MM (unit m); blank where missing. Vectorised."""
    stamps = pd.to_datetime(values).to_numpy().astype(f"datetime64[{unit}]")
    text = np.datetime_as_string(stamps, unit=unit)
    if unit == "m":  # 2026-11-15T09:30 -> 2026-11-15 09:30
        width = text.dtype.itemsize // 4
        chars = text.view("U1").reshape(len(text), width)
        chars[:, 10] = " "
        text = chars.view(f"U{width}").ravel()
    return pd.Series(np.where(np.isnat(stamps), "", text), index=values.index, dtype=object)


def file_frame(domain: Domain, frame: pd.DataFrame) -> pd.DataFrame:
    """The values as a county types them: 万元 with two decimals, YYYY-MM-DD, 是/否."""
    out = pd.DataFrame(index=frame.index)
    for column in domain.columns:
        if column.key not in frame:
            continue
        values = frame[column.key]
        if column.kind == "wan":
            out[column.key] = (values.astype("float64") / 10_000).round(2)
        elif column.kind == "date":
            out[column.key] = _iso(values, "D")
        elif column.kind == "datetime":
            out[column.key] = _iso(values, "m")
        elif column.kind == "bool":
            out[column.key] = values.map({True: "是", False: "否"}).fillna("").astype(object)
        elif column.kind == "int":  # nullable only where blanks are needed (writes slower)
            out[column.key] = values.astype("Int64" if values.isna().any() else np.int64)
        else:
            out[column.key] = values.astype(object)
    return out.reset_index(drop=True)


def make_xlsx_reproducible(path: Path, stamp: dt.date) -> None:
    """Rewrites a workbook with fixed zip times and document dates, so equal data gives equal
    bytes (openpyxl stamps the current time into docProps/core.xml and every zip entry)."""
    fixed = (stamp.year, stamp.month, stamp.day, 0, 0, 0)
    iso = f"{stamp.isoformat()}T00:00:00Z".encode()
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                              rb"\g<1>" + iso + rb"\g<3>", data)
            entry = zipfile.ZipInfo(info.filename, date_time=fixed)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, data)


Generator = Callable[[DemoContext, dict[str, pd.DataFrame]], pd.DataFrame]


@dataclass(frozen=True)
class Step:
    """One template's demo rows: its generator, and the templates' rows it reads (`needs`)."""

    domain_id: str  # the import template's id
    suffix: str  # ".xlsx", or ".csv" for the large files
    generate: Generator
    needs: tuple[str, ...] = ()
