"""Township and village boundaries for the maps: imported official polygons or the schematic.

Official boundaries arrive as GeoJSON files (``python -m dashboard import-boundaries FILE
--level township|village``). A file is checked as a whole and written in one transaction, or
rejected with every problem listed and nothing written. Until every township has an imported
boundary the township map uses the SCHEMATIC cells of ``assets/geo/shishou_townships.geojson``
(built by scripts/build_township_boundaries.py, clearly not administrative boundaries) when the
loaded townships are the demo county's, and a tile grid for any other county; a
township's village map needs a polygon for each of its villages and communities, otherwise the
page draws a tile grid instead. A prefecture's county map is the union of each county's
township boundaries, when all of them are imported.

Stored geometries are WGS84 lon/lat with exterior rings clockwise and holes counter-clockwise,
the winding plotly.js / d3-geo expect (the other winding fills the globe).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.errors import ShapelyError
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity
from sqlalchemy import Engine, Select, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute

from data_access.cache import cached
from data_access.divisions import ancestor_code, code_range
from data_access.geo import MIN_LABEL_DISTANCE_KM, label_points_lonlat, oriented
from data_access.importing.problems import ImportRejected, Problem
from data_access.models import Boundary, Division, ImportLog
from data_access.paths import ASSETS_DIR
from metrics.vocabulary import VILLAGE_UNIT_TYPES

log = logging.getLogger(__name__)

SCHEMATIC_TOWNSHIPS = ASSETS_DIR / "geo" / "shishou_townships.geojson"
LEVELS = ("township", "village")
LEVEL_NAMES = {"township": ("乡镇（街道）", "township"),
               "village": ("村或社区", "village or community")}
# Coordinates sent to the browser: 5 decimals of a degree is about 1 m on the ground, far below
# a pixel of the map, and rounding keeps shared borders shared (same input, same output).
DRAWING_DECIMALS = 5
# About 1 m in degrees: the gaps between townships' separately drawn borders that a county's
# outline closes.
SLIVER_DEGREES = 1e-5
# Where a feature's division code is looked for, in this order; then the feature id.
CODE_PROPERTIES = ("code", "adcode", "gb", "区划代码")
POLYGON_TYPES = ("Polygon", "MultiPolygon")
# EPSG:4326 in its short, URN and URL forms, OGC CRS84 (lon/lat order) and plain WGS84.
_WGS84 = re.compile(r"(?:EPSG(?::|::|:[0-9.]+:|/[0-9.]+/)4326|CRS:?84|WGS:?84)$")
_CODE = re.compile(r"[0-9]{12}")
_TOWNSHIP_CODE_9 = re.compile(r"[0-9]{9}")


@dataclass(frozen=True)
class BoundarySet:
    """Polygons for one map. Cached and shared between renders: never mutate it.

    ``geojson`` is a FeatureCollection whose feature ids are the 12-digit codes (properties
    ``code`` and ``name``); ``labels`` maps each code to a (lon, lat) point inside its polygon.
    """

    geojson: dict[str, Any]
    labels: dict[str, tuple[float, float]]
    schematic: bool

    @functools.cached_property
    def drawing(self) -> dict[str, Any]:
        """The same polygons for the map: coordinates rounded to DRAWING_DECIMALS, every ring a
        float array. Built once per (cached) set, so a render does not pay for it; arrays let
        the JSON encoder write each ring in one go instead of walking its numbers one by one.
        ``geojson`` itself stays exact (imports are compared against it)."""
        features = [{**feature, "geometry": _drawing_geometry(feature["geometry"])}
                    for feature in self.geojson["features"]]
        return {"type": "FeatureCollection", "features": features}


def _drawing_geometry(geometry: dict[str, Any]) -> dict[str, Any]:
    def ring(points: Any) -> np.ndarray:
        return np.round(np.asarray(points, dtype=float)[:, :2], DRAWING_DECIMALS)

    if geometry["type"] == "Polygon":
        coordinates: list = [ring(r) for r in geometry["coordinates"]]
    else:
        coordinates = [[ring(r) for r in polygon] for polygon in geometry["coordinates"]]
    return {"type": geometry["type"], "coordinates": coordinates}


@dataclass(frozen=True)
class BoundaryImport:
    file_name: str
    sha256: str
    level: str
    features: int
    matched_codes: tuple[str, ...]
    inserted: int
    updated: int


# --- reading ---------------------------------------------------------------------------------


def _under(query: Select, code: InstrumentedAttribute[str], within: str | None) -> Select:
    """The query's rows of the divisions under `within` (None: all of them)."""
    return query.where(code.between(*code_range(within))) if within else query


@cached
def township_boundaries(engine: Engine, within: str | None = None) -> BoundarySet | None:
    """The imported boundaries of the townships (under `within`, a county of the area; None:
    all) when every one has one, else the schematic cells when they are of these very
    townships (the demo county's), else None: the page draws a tile grid until the county
    imports its boundaries."""
    query = select(Division.code, Division.name).where(Division.level == "township")
    stored_query = select(Boundary.code, Boundary.geometry, Boundary.label_lon,
                          Boundary.label_lat).where(Boundary.level == "township")
    with engine.connect() as connection:
        townships = connection.execute(_under(query, Division.code, within)
                                       .order_by(Division.code)).all()
        rows = connection.execute(_under(stored_query, Boundary.code, within)).all()
    stored = {row.code: row for row in rows}
    if townships and all(code in stored for code, _ in townships):
        return _boundary_set([(code, name) for code, name in townships], stored)
    schematic = schematic_township_boundaries()
    drawn = {feature["id"] for feature in schematic.geojson["features"]}
    return schematic if drawn == {code for code, _ in townships} else None


@cached
def county_boundaries(engine: Engine, within: str | None = None) -> BoundarySet | None:
    """The counties (under `within`, a prefecture of the area; None: all), each the union of
    its townships' imported boundaries, when every township of every county has one; else None
    (the page draws a tile grid)."""
    counties_query = select(Division.code, Division.name).where(Division.level == "county")
    townships_query = select(Division.code, Division.parent_code, Boundary.geometry).outerjoin(
        Boundary, (Boundary.code == Division.code) & (Boundary.level == "township")).where(
        Division.level == "township")
    with engine.connect() as connection:
        counties = connection.execute(_under(counties_query, Division.code, within)
                                      .order_by(Division.code)).all()
        townships = connection.execute(_under(townships_query, Division.code, within)).all()
    parts: dict[str, list[BaseGeometry]] = {code: [] for code, _ in counties}
    for township in townships:
        if township.geometry is None:
            return None
        parts.setdefault(township.parent_code, []).append(shape(json.loads(township.geometry)))
    if not counties or not all(parts[code] for code, _ in counties):
        return None
    cells = {code: _dissolved(parts[code]) for code, _ in counties}
    labels = label_points_lonlat(cells, None)
    features = [{"type": "Feature", "id": code, "properties": {"code": code, "name": name},
                 "geometry": mapping(cells[code])} for code, name in counties]
    return BoundarySet({"type": "FeatureCollection", "features": features}, labels, False)


def _dissolved(parts: list[BaseGeometry]) -> BaseGeometry:
    """One outline of neighbouring polygons: shared borders dissolve, and the slivers that
    separately drawn borders leave between them are closed by growing and shrinking the union
    by about 1 m (mitred, so corners stay corners), far below what a map shows."""
    grown = shapely.union_all(parts).buffer(SLIVER_DEGREES, join_style="mitre")
    return oriented(grown.buffer(-SLIVER_DEGREES, join_style="mitre"))


@cached
def village_boundaries(engine: Engine, township_code: str) -> BoundarySet | None:
    """Imported polygons of the township's villages and communities when all of them have one."""
    with engine.connect() as connection:
        villages = connection.execute(
            select(Division.code, Division.name)
            .where(Division.level == "village", Division.parent_code == township_code,
                   Division.unit_type.in_(VILLAGE_UNIT_TYPES))
            .order_by(Division.code)).all()
        if not villages:
            return None
        rows = connection.execute(
            select(Boundary.code, Boundary.geometry, Boundary.label_lon, Boundary.label_lat)
            .where(Boundary.level == "village",
                   Boundary.code.in_([code for code, _ in villages]))).all()
    stored = {row.code: row for row in rows}
    if not all(code in stored for code, _ in villages):
        return None
    return _boundary_set([(code, name) for code, name in villages], stored)


def schematic_township_boundaries(path: Path = SCHEMATIC_TOWNSHIPS) -> BoundarySet:
    """The schematic township cells shipped with the dashboard (NOT official boundaries)."""
    collection = json.loads(path.read_text(encoding="utf-8"))
    features = []
    labels: dict[str, tuple[float, float]] = {}
    for feature in sorted(collection["features"], key=lambda f: f["properties"]["code"]):
        props = feature["properties"]
        code = props["code"]
        features.append({"type": "Feature", "id": code,
                         "properties": {"code": code, "name": props["name"]},
                         "geometry": feature["geometry"]})
        labels[code] = (float(props["label_lon"]), float(props["label_lat"]))
    return BoundarySet({"type": "FeatureCollection", "features": features}, labels, True)


def _boundary_set(divisions: list[tuple[str, str]], stored: dict[str, Any]) -> BoundarySet:
    features = []
    labels: dict[str, tuple[float, float]] = {}
    for code, name in divisions:
        row = stored[code]
        features.append({"type": "Feature", "id": code,
                         "properties": {"code": code, "name": name},
                         "geometry": json.loads(row.geometry)})
        labels[code] = (row.label_lon, row.label_lat)
    return BoundarySet({"type": "FeatureCollection", "features": features}, labels, False)


# --- importing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Division:
    code: str
    name: str
    level: str
    unit_type: str


def import_boundaries(engine: Engine, path: Path, level: str,
                      now: dt.datetime | None = None) -> BoundaryImport:
    """Imports a GeoJSON FeatureCollection of township or village boundaries, all or nothing.

    Raises ImportRejected listing every problem, having written nothing. Boundaries of codes
    already stored are replaced; others are kept.
    """
    now = now or dt.datetime.now()
    name = path.name
    if level not in LEVELS:
        raise ImportRejected([Problem(name, "", None, None, f"未知的级别 {level!r}（township 或 "
                                      f"village）", f"unknown level {level!r} (township or "
                                      f"village)")])
    if not path.is_file():
        raise ImportRejected([Problem(name, "", None, None, "文件不存在", "file not found")])
    content = path.read_bytes()
    sha256 = hashlib.sha256(content).hexdigest()
    collection = _read_collection(name, content)
    with engine.connect() as connection:
        divisions = {row.code: _Division(row.code, row.name, row.level, row.unit_type)
                     for row in connection.execute(select(Division.code, Division.name,
                                                          Division.level, Division.unit_type))}
    geometries = _check_features(name, collection, level, divisions)

    # Township labels are nudged apart as on the schematic map; village polygons are too small.
    labels = label_points_lonlat(geometries,
                                 MIN_LABEL_DISTANCE_KM if level == "township" else None)
    source = f"{name} · SHA-256 {sha256[:16]}"[-255:]
    rows = [{"code": code, "level": level, "geometry": _geometry_text(geometries[code]),
             "label_lon": labels[code][0], "label_lat": labels[code][1], "source": source,
             "imported_at": now} for code in sorted(geometries)]
    with engine.begin() as connection:
        existing = set(connection.scalars(
            select(Boundary.code).where(Boundary.code.in_(sorted(geometries)))))
        insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
        statement = insert(Boundary.__table__)
        statement = statement.on_conflict_do_update(
            index_elements=["code"],
            set_={k: statement.excluded[k] for k in ("level", "geometry", "label_lon",
                                                     "label_lat", "source", "imported_at")})
        connection.execute(statement, rows)
        updated = len(existing)
        inserted = len(rows) - updated
        connection.execute(ImportLog.__table__.insert().values(
            domain=f"boundaries_{level}", file_name=name, sha256=sha256,
            rows_in_file=len(collection["features"]), rows_inserted=inserted,
            rows_updated=updated, imported_at=now))
    log.info("imported %s (%s boundaries): %d features, %d new", name, level, len(rows), inserted)
    return BoundaryImport(name, sha256, level, len(collection["features"]),
                          tuple(sorted(geometries)), inserted, updated)


def _geometry_text(geom: BaseGeometry) -> str:
    return json.dumps(mapping(geom), separators=(",", ":"))


def _read_collection(name: str, content: bytes) -> dict[str, Any]:
    def reject(zh: str, en: str) -> ImportRejected:
        return ImportRejected([Problem(name, "", None, None, zh, en)])

    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise reject("不是 UTF-8 编码的文本，不是 GeoJSON 文件",
                     f"not UTF-8 text, so not a GeoJSON file ({error.reason})") from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise reject(f"不是有效的 JSON（第 {error.lineno} 行第 {error.colno} 列：{error.msg}）",
                     f"not valid JSON (line {error.lineno}, column {error.colno}: "
                     f"{error.msg})") from error
    kind = data.get("type") if isinstance(data, dict) else type(data).__name__
    if not isinstance(data, dict) or kind != "FeatureCollection":
        raise reject(f"不是 GeoJSON FeatureCollection（type 为 {kind!r}）",
                     f"not a GeoJSON FeatureCollection (type is {kind!r})")
    if not isinstance(data.get("features"), list):
        raise reject("FeatureCollection 缺少 features 数组",
                     "the FeatureCollection has no features array")
    if not data["features"]:
        raise reject("文件中没有任何要素", "the file has no features")
    return data


def _crs_name(crs: object) -> str | None:
    """The name of a non-WGS84 coordinate reference system, or None for WGS84 / none given."""
    if crs is None:
        return None
    name: object = crs
    if isinstance(crs, dict):
        props = crs.get("properties")
        props = props if isinstance(props, dict) else {}
        kind = str(crs.get("type", "")).lower()
        if kind == "name":
            name = props.get("name")
        elif kind == "epsg":
            name = f"EPSG:{props.get('code')}"
        elif kind == "link":
            name = props.get("href")
        else:
            name = json.dumps(crs, ensure_ascii=False)
    text = str(name).strip()
    return None if _WGS84.search(text.upper().replace(" ", "")) else text


def _crs_problem(file: str, row: int | None, crs: object, what_zh: str,
                 what_en: str) -> Problem | None:
    named = _crs_name(crs)
    if named is None:
        return None
    return Problem(file, "", row, "crs",
                   f"{what_zh}坐标系 {named} 不是 WGS84（EPSG:4326），"
                   "请转换为 WGS84 经纬度后再导入",
                   f"{what_en}coordinate system {named} is not WGS84 (EPSG:4326); convert to "
                   f"WGS84 longitude/latitude first")


def _normalised_code(value: object, level: str) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if _CODE.fullmatch(text):
        return text
    if level == "township" and _TOWNSHIP_CODE_9.fullmatch(text):
        return text + "000"
    return None


def _feature_code(feature: dict[str, Any]) -> tuple[str | None, object]:
    props = feature.get("properties")
    if isinstance(props, dict):
        for key in CODE_PROPERTIES:
            if props.get(key) not in (None, ""):
                return key, props[key]
    if feature.get("id") not in (None, ""):
        return "id", feature["id"]
    return None, None


def _feature_problem(file: str, number: int, column: str | None, zh: str, en: str,
                     code: str | None = None) -> Problem:
    """A problem of one feature; the message names the feature (and its code when known)."""
    tag_zh = f"第 {number} 个要素" + (f"（{code}）" if code else "")
    tag_en = f"feature {number}" + (f" ({code})" if code else "")
    return Problem(file, "", number, column, f"{tag_zh}：{zh}", f"{tag_en}: {en}")


def _check_features(file: str, collection: dict[str, Any], level: str,
                    divisions: dict[str, _Division]) -> dict[str, BaseGeometry]:
    """Every problem of the features; the oriented polygons by code when there is none."""
    problems: list[Problem] = []
    top = _crs_problem(file, None, collection.get("crs"), "", "")
    if top:
        problems.append(top)
    first_seen: dict[str, int] = {}
    geometries: dict[str, BaseGeometry] = {}
    for number, feature in enumerate(collection["features"], start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(_feature_problem(file, number, None, "不是 GeoJSON Feature",
                                             "is not a GeoJSON Feature"))
            continue
        key, raw = _feature_code(feature)
        code = None if raw is None else _normalised_code(raw, level)
        if key is None:
            problems.append(_feature_problem(
                file, number, "code", "没有区划代码（属性 code、adcode、gb、区划代码或要素 id）",
                "has no division code (property code, adcode, gb, 区划代码 or the feature id)"))
        elif code is None:
            nine = "，乡镇也可用 9 位" if level == "township" else ""
            nine_en = "; 9 digits are accepted for townships" if level == "township" else ""
            problems.append(_feature_problem(file, number, key,
                                             f"区划代码 {raw!r} 不是 12 位数字{nine}",
                                             f"code {raw!r} is not 12 digits{nine_en}"))
        else:
            wrong = _code_problem(code, level, divisions, first_seen)
            if wrong:
                problems.append(_feature_problem(file, number, key, *wrong, code=code))
            else:
                first_seen[code] = number
        for where in (feature, feature.get("geometry")):
            if isinstance(where, dict) and "crs" in where:
                found = _crs_problem(file, number, where["crs"], f"第 {number} 个要素的",
                                     f"feature {number}: ")
                if found:
                    problems.append(found)
        checked = _checked_geometry(feature.get("geometry"))
        if isinstance(checked, tuple):
            zh, en = checked
            problems.append(_feature_problem(file, number, "geometry", zh, en, code=code))
        elif code is not None:
            geometries.setdefault(code, checked)
    if level == "township":
        # Every township of the counties the file draws: a county's map is whole or not at all.
        counties = {ancestor_code(code, "county") for code in first_seen}
        townships = [d for d in divisions.values()
                     if d.level == "township" and ancestor_code(d.code, "county") in counties]
        missing = sorted((d for d in townships if d.code not in first_seen), key=lambda d: d.code)
        if missing:
            listed = "、".join(f"{d.code} {d.name}" for d in missing)
            listed_en = ", ".join(f"{d.code} {d.name}" for d in missing)
            problems.append(Problem(
                file, "", None, "code",
                f"缺少 {len(missing)} 个乡镇（街道）的边界：{listed}；乡镇边界文件须包含所涉县"
                f"（市、区）的全部 {len(townships)} 个乡镇（街道）",
                f"boundaries missing for {len(missing)} township(s): {listed_en}; a township "
                f"file must cover all {len(townships)} of its counties"))
    if problems:
        raise ImportRejected(problems)
    return geometries


def _code_problem(code: str, level: str, divisions: dict[str, _Division],
                  first_seen: dict[str, int]) -> tuple[str, str] | None:
    """(zh, en) when a well-formed code cannot take a boundary of this level, else None."""
    level_zh, level_en = LEVEL_NAMES[level]
    division = divisions.get(code)
    if division is None or division.level not in LEVELS:
        return (f"区划代码 {code} 不是已导入区划中的{level_zh}",
                f"code {code} matches no {level_en} of the divisions loaded")
    if division.level != level:
        other = division.level
        zh_other = "乡镇" if other == "township" else "村级"
        return (f"区划代码 {code}（{division.name}）不是{level_zh}；"
                f"{zh_other}边界请用 --level {other} 导入",
                f"code {code} ({division.name}) is not a {level_en}; "
                + f"import {other} boundaries with --level {other}")
    if level == "village" and division.unit_type not in VILLAGE_UNIT_TYPES:
        return (f"区划代码 {code}（{division.name}）是{division.unit_type}，不是村或社区",
                f"code {code} ({division.name}) is a {division.unit_type}, "
                + "not a village or community")
    if code in first_seen:
        return (f"区划代码 {code} 重复（第 {first_seen[code]} 个要素已用）",
                f"duplicate code {code} (already used by feature {first_seen[code]})")
    return None


def _checked_geometry(geometry: object) -> BaseGeometry | tuple[str, str]:
    """The oriented polygon(s), or (zh, en) saying what is wrong with the geometry."""
    if not isinstance(geometry, dict):
        return ("没有几何图形", "has no geometry")
    kind = geometry.get("type")
    if kind not in POLYGON_TYPES:
        return (f"几何类型 {kind!r} 不是 Polygon 或 MultiPolygon",
                f"geometry type {kind!r} is not Polygon or MultiPolygon")
    try:
        geom = shapely.force_2d(shape(geometry))
    except (ShapelyError, ValueError, TypeError, IndexError, KeyError, AttributeError) as error:
        return (f"几何图形无法读取：{error}", f"the geometry cannot be read: {error}")
    if geom.is_empty:
        return ("几何图形为空", "the geometry is empty")
    coords = shapely.get_coordinates(geom)
    bad = ~np.isfinite(coords).all(axis=1) | (np.abs(coords[:, 0]) > 180) | (
        np.abs(coords[:, 1]) > 90)
    if bad.any():
        x, y = coords[int(np.argmax(bad))]
        zh = f"坐标 ({x:g}, {y:g}) 超出经度 −180…180、纬度 −90…90，不是 WGS84 经纬度（投影坐标？）"
        en = (f"coordinate ({x:g}, {y:g}) is outside longitude −180..180 / latitude −90..90: "
              "not WGS84 (projected coordinates?)")
        return zh, en
    if not shapely.is_valid(geom):
        reason = explain_validity(geom)
        return (f"几何图形无效：{reason}", f"invalid geometry: {reason}")
    return oriented(geom)
