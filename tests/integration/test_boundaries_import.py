"""Official boundary files: checked whole, stored clockwise, and preferred over the schematic."""

from __future__ import annotations

import copy
import itertools
import json
import math
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import shapely
from shapely import affinity
from shapely.geometry import Point, box, mapping, shape
from shapely.geometry.polygon import orient
from sqlalchemy import Engine, func, select

from data_access import cache
from data_access.boundaries import (
    SCHEMATIC_TOWNSHIPS,
    BoundarySet,
    import_boundaries,
    township_boundaries,
    village_boundaries,
)
from data_access.importing.problems import ImportRejected, Problem
from data_access.models import Boundary, Division, ImportLog
from metrics.vocabulary import VILLAGE_UNIT_TYPES
from tests.dbutil import fresh_database, snapshot, sqlite_url

REPO = Path(__file__).resolve().parents[2]
VILLAGE_TOWNSHIP = "421081102000"  # 大垸镇: 村委会, 居委会 and one 生活区
OTHER_TOWNSHIP = "421081100000"  # 新厂镇
LIVING_QUARTER = "421081102502"  # 老河长江四大家鱼原种场生活区 (not a village or community)


# --- helpers ---------------------------------------------------------------------------------


def _schematic() -> dict[str, Any]:
    return json.loads(SCHEMATIC_TOWNSHIPS.read_text(encoding="utf-8"))


def _official_townships() -> dict[str, Any]:
    """The schematic cells as if they were an official file: markers gone, rings wound CCW."""
    collection = _schematic()
    del collection["schematic"]
    del collection["source"]
    for feature in collection["features"]:
        props = feature["properties"]
        feature["properties"] = {"code": props["code"], "name": props["name"]}
        geom = shape(feature["geometry"])
        parts = [geom] if geom.geom_type == "Polygon" else list(geom.geoms)
        ccw = [orient(p, sign=1.0) for p in parts]
        feature["geometry"] = mapping(ccw[0] if len(ccw) == 1 else shapely.MultiPolygon(ccw))
    return json.loads(json.dumps(collection))  # tuples -> lists, a plain JSON document


def _write(path: Path, collection: object) -> Path:
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return path


def _signed_area(ring: list[list[float]]) -> float:
    """Shoelace formula: positive for counter-clockwise rings (x east, y north)."""
    return 0.5 * sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring))


def _assert_clockwise(geometry: dict[str, Any]) -> None:
    polygons = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                else geometry["coordinates"])
    for rings in polygons:
        assert _signed_area(rings[0]) < 0, "exterior ring is counter-clockwise"
        for hole in rings[1:]:
            assert _signed_area(hole) > 0, "hole is clockwise"


def _haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lon1, lat1), (lon2, lat2) = a, b
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def _villages(engine: Engine, township: str) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(
            select(Division.code).where(Division.parent_code == township,
                                        Division.level == "village",
                                        Division.unit_type.in_(VILLAGE_UNIT_TYPES))
            .order_by(Division.code)))


def _village_squares(township: str, codes: list[str], half: float = 0.002) -> dict[str, Any]:
    """Small squares (~400 m) around grid points inside the township's schematic cell."""
    cell = next(shape(f["geometry"]) for f in _schematic()["features"] if f["id"] == township)
    minx, miny, maxx, maxy = cell.bounds
    centres = [(x, y)
               for x in [minx + i * 0.01 for i in range(int((maxx - minx) / 0.01) + 1)]
               for y in [miny + j * 0.01 for j in range(int((maxy - miny) / 0.01) + 1)]
               if cell.contains(box(x - half, y - half, x + half, y + half))]
    assert len(centres) >= len(codes)
    features = [{"type": "Feature", "properties": {"code": code},
                 "geometry": mapping(box(x - half, y - half, x + half, y + half))}
                for code, (x, y) in zip(codes, centres, strict=False)]
    return json.loads(json.dumps({"type": "FeatureCollection", "features": features}))


def _refresh() -> None:
    """The cache re-reads the data version only every few seconds; tests do not wait."""
    cache.clear()


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    _refresh()
    return fresh_database(sqlite_url(tmp_path))


@pytest.fixture
def engine_with_townships(engine: Engine, tmp_path: Path) -> Engine:
    import_boundaries(engine, _write(tmp_path / "first.geojson", _official_townships()),
                      "township")
    _refresh()
    return engine


def _rejected(engine: Engine, path: Path, level: str = "township") -> list[Problem]:
    before = snapshot(engine)
    with pytest.raises(ImportRejected) as rejected:
        import_boundaries(engine, path, level)
    assert snapshot(engine) == before, "a rejected file changed the database"
    problems = rejected.value.problems
    assert problems and all(p.zh and p.en and p.file == path.name for p in problems)
    return problems


def _names_feature(problems: list[Problem], number: int, *words: str) -> None:
    """Some problem is about feature `number` (row and message) and says all the words."""
    hits = [p for p in problems if p.row == number and f"feature {number}" in p.en
            and f"第 {number} 个要素" in p.zh]
    assert hits, [str(p) for p in problems]
    assert any(all(w in str(p) for w in words) for p in hits), [str(p) for p in hits]


# --- townships -------------------------------------------------------------------------------


def test_without_imports_the_map_uses_the_schematic_cells(engine: Engine) -> None:
    boundaries = township_boundaries(engine)
    assert isinstance(boundaries, BoundarySet) and boundaries.schematic is True
    assert len(boundaries.geojson["features"]) == 15
    assert set(boundaries.labels) == {f["id"] for f in boundaries.geojson["features"]}
    assert village_boundaries(engine, VILLAGE_TOWNSHIP) is None


def test_official_township_file_replaces_the_schematic(engine: Engine, tmp_path: Path) -> None:
    path = _write(tmp_path / "townships.geojson", _official_townships())
    summary = import_boundaries(engine, path, "township")
    assert (summary.file_name, summary.level, summary.features) == (path.name, "township", 15)
    assert len(summary.matched_codes) == 15 and (summary.inserted, summary.updated) == (15, 0)
    _refresh()

    boundaries = township_boundaries(engine)
    assert boundaries.schematic is False
    features = boundaries.geojson["features"]
    assert boundaries.geojson["type"] == "FeatureCollection" and len(features) == 15
    with engine.connect() as connection:
        names = dict(connection.execute(
            select(Division.code, Division.name).where(Division.level == "township")).all())
        stored = connection.execute(select(Boundary.geometry, Boundary.level)).all()
        logs = connection.execute(select(ImportLog.domain, ImportLog.sha256,
                                         ImportLog.rows_in_file)).all()
    assert {f["id"] for f in features} == set(names) == set(summary.matched_codes)
    for feature in features:
        assert feature["properties"] == {"code": feature["id"], "name": names[feature["id"]]}
        _assert_clockwise(feature["geometry"])
        geom = shape(feature["geometry"])
        assert geom.is_valid
        assert geom.contains(Point(boundaries.labels[feature["id"]]))
    for (a, pa), (b, pb) in itertools.combinations(sorted(boundaries.labels.items()), 2):
        assert _haversine_km(pa, pb) >= 2.9, f"labels of {a} and {b} overlap"
    assert len(stored) == 15 and {level for _, level in stored} == {"township"}
    for geometry, _ in stored:
        _assert_clockwise(json.loads(geometry))
    assert logs == [("boundaries_township", summary.sha256, 15)]


def test_reimport_replaces_the_boundaries_of_the_file(engine_with_townships: Engine,
                                                       tmp_path: Path) -> None:
    engine = engine_with_townships
    collection = _official_townships()
    first = collection["features"][0]
    original = shape(first["geometry"])
    moved = affinity.translate(original, 0.0001, 0.0)
    first["geometry"] = json.loads(json.dumps(mapping(moved)))
    summary = import_boundaries(engine, _write(tmp_path / "again.geojson", collection),
                                "township")
    assert (summary.inserted, summary.updated) == (0, 15)
    _refresh()
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Boundary)) == 15
        assert connection.scalar(select(func.count()).select_from(ImportLog)) == 2
    feature = next(f for f in township_boundaries(engine).geojson["features"]
                   if f["id"] == first["id"])
    stored = shape(feature["geometry"])
    assert stored.equals(moved) and not stored.equals(original)
    _assert_clockwise(feature["geometry"])


def test_nine_digit_township_codes_are_accepted(engine: Engine, tmp_path: Path) -> None:
    collection = _official_townships()
    for feature in collection["features"]:
        del feature["id"]
        feature["properties"]["code"] = feature["properties"]["code"][:9]
    first = collection["features"][0]["properties"]
    first["adcode"] = int(first.pop("code"))  # a number in another property
    summary = import_boundaries(engine, _write(tmp_path / "nine.geojson", collection),
                                "township")
    assert len(summary.matched_codes) == 15
    assert all(len(code) == 12 and code.endswith("000") for code in summary.matched_codes)
    _refresh()
    assert township_boundaries(engine).schematic is False


def _bowtie(collection: dict[str, Any]) -> None:
    x, y = collection["features"][1]["geometry"]["coordinates"][0][0]
    collection["features"][1]["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + 0.01, y + 0.01], [x + 0.01, y], [x, y + 0.01], [x, y]]]}


def _projected(collection: dict[str, Any]) -> None:
    geometry = collection["features"][2]["geometry"]
    metres = shapely.transform(shape(geometry), lambda c: c * 111_320.0)
    collection["features"][2]["geometry"] = json.loads(json.dumps(mapping(metres)))


def _unknown_code(collection: dict[str, Any]) -> None:
    feature = collection["features"][4]
    feature["properties"]["code"] = feature["id"] = "421081999000"


def _duplicate_code(collection: dict[str, Any]) -> None:
    feature = collection["features"][3]
    feature["properties"]["code"] = feature["id"] = collection["features"][0]["id"]


def _epsg_3857(collection: dict[str, Any]) -> None:
    collection["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}


@pytest.mark.parametrize(("change", "feature", "words"), [
    (_bowtie, 2, ("Self-intersection", "invalid geometry")),
    (_projected, 3, ("projected coordinates?", "不是 WGS84")),
    (_unknown_code, 5, ("421081999000", "matches no township")),
    (_duplicate_code, 4, ("duplicate code 421081001000", "feature 1")),
], ids=["bowtie", "projected", "unknown-code", "duplicate-code"])
def test_bad_features_are_named_and_nothing_changes(
        engine_with_townships: Engine, tmp_path: Path,
        change: Callable[[dict[str, Any]], None], feature: int, words: tuple[str, ...]) -> None:
    collection = _official_townships()
    change(collection)
    problems = _rejected(engine_with_townships, _write(tmp_path / "bad.geojson", collection))
    _names_feature(problems, feature, *words)


def test_a_projected_crs_member_is_rejected(engine_with_townships: Engine,
                                            tmp_path: Path) -> None:
    collection = _official_townships()
    _epsg_3857(collection)
    problems = _rejected(engine_with_townships, _write(tmp_path / "3857.geojson", collection))
    assert [(p.row, p.column) for p in problems] == [(None, "crs")]
    assert "EPSG::3857" in problems[0].en and "not WGS84" in problems[0].en


@pytest.mark.parametrize("name", ["EPSG:4326", "urn:ogc:def:crs:OGC:1.3:CRS84",
                                  "urn:ogc:def:crs:EPSG::4326"])
def test_a_wgs84_crs_member_is_accepted(engine: Engine, tmp_path: Path, name: str) -> None:
    collection = _official_townships()
    collection["crs"] = {"type": "name", "properties": {"name": name}}
    summary = import_boundaries(engine, _write(tmp_path / "wgs84.geojson", collection),
                                "township")
    assert len(summary.matched_codes) == 15


def test_missing_townships_are_listed(engine_with_townships: Engine, tmp_path: Path) -> None:
    collection = _official_townships()
    dropped = [f["id"] for f in collection["features"][-2:]]
    del collection["features"][-2:]
    problems = _rejected(engine_with_townships, _write(tmp_path / "13.geojson", collection))
    assert len(problems) == 1 and problems[0].row is None
    assert "missing for 2 township(s)" in problems[0].en
    assert all(code in problems[0].en and code in problems[0].zh for code in dropped)


def test_not_json_is_rejected(engine_with_townships: Engine, tmp_path: Path) -> None:
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    problems = _rejected(engine_with_townships, path)
    assert len(problems) == 1 and "not valid JSON" in problems[0].en


def test_not_a_feature_collection_is_rejected(engine_with_townships: Engine,
                                              tmp_path: Path) -> None:
    feature = _official_townships()["features"][0]
    problems = _rejected(engine_with_townships, _write(tmp_path / "one.geojson", feature))
    assert len(problems) == 1 and "not a GeoJSON FeatureCollection" in problems[0].en
    assert "'Feature'" in problems[0].en


def test_every_problem_is_reported_at_once(engine_with_townships: Engine,
                                           tmp_path: Path) -> None:
    collection = _official_townships()
    for change in (_bowtie, _projected, _unknown_code):
        change(collection)
    problems = _rejected(engine_with_townships, _write(tmp_path / "many.geojson", collection))
    assert {p.row for p in problems} >= {2, 3, 5}


# --- villages --------------------------------------------------------------------------------


def test_village_polygons_are_used_once_a_township_is_complete(engine: Engine,
                                                                tmp_path: Path) -> None:
    codes = _villages(engine, VILLAGE_TOWNSHIP)
    assert len(codes) > 5 and LIVING_QUARTER not in codes
    collection = _village_squares(VILLAGE_TOWNSHIP, codes)
    partial = copy.deepcopy(collection)
    held_back = partial["features"].pop()
    summary = import_boundaries(engine, _write(tmp_path / "part.geojson", partial), "village")
    assert summary.features == len(codes) - 1
    _refresh()
    assert village_boundaries(engine, VILLAGE_TOWNSHIP) is None  # one still missing

    rest = {"type": "FeatureCollection", "features": [held_back]}
    import_boundaries(engine, _write(tmp_path / "rest.geojson", rest), "village")
    _refresh()
    boundaries = village_boundaries(engine, VILLAGE_TOWNSHIP)
    assert boundaries is not None and boundaries.schematic is False
    features = boundaries.geojson["features"]
    assert [f["id"] for f in features] == codes
    for feature in features:
        assert feature["properties"]["code"] == feature["id"] and feature["properties"]["name"]
        _assert_clockwise(feature["geometry"])
        assert shape(feature["geometry"]).contains(Point(boundaries.labels[feature["id"]]))
    assert village_boundaries(engine, OTHER_TOWNSHIP) is None
    assert township_boundaries(engine).schematic is True  # villages do not make a county map
    with engine.connect() as connection:
        domains = list(connection.scalars(select(ImportLog.domain)))
    assert domains == ["boundaries_village", "boundaries_village"]


def test_village_file_rejects_living_quarters_and_townships(engine: Engine,
                                                            tmp_path: Path) -> None:
    codes = [*_villages(engine, VILLAGE_TOWNSHIP)[:2], LIVING_QUARTER, VILLAGE_TOWNSHIP]
    collection = _village_squares(VILLAGE_TOWNSHIP, codes)
    problems = _rejected(engine, _write(tmp_path / "v.geojson", collection), "village")
    assert {p.row for p in problems} == {3, 4}
    _names_feature(problems, 3, LIVING_QUARTER, "not a village or community")
    _names_feature(problems, 4, VILLAGE_TOWNSHIP, "--level township")


# --- command line ----------------------------------------------------------------------------


def _cli(engine: Engine, path: Path, level: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", "import-boundaries", str(path), "--level", level],
        cwd=REPO, capture_output=True, text=True, check=False,
        env={"DATABASE_URL": str(engine.url), "PATH": "/usr/bin:/bin"})


def test_cli_exits_2_and_lists_every_problem(engine: Engine, tmp_path: Path) -> None:
    collection = _official_townships()
    _bowtie(collection)
    _unknown_code(collection)
    result = _cli(engine, _write(tmp_path / "cli-bad.geojson", collection), "township")
    assert result.returncode == 2, result.stderr
    assert "nothing was written" in result.stderr and "cli-bad.geojson" in result.stderr
    assert "feature 2" in result.stderr and "Self-intersection" in result.stderr
    assert "feature 5 (421081999000)" in result.stderr
    assert "missing for 1 township(s)" in result.stderr


def test_cli_imports_a_good_file(engine: Engine, tmp_path: Path) -> None:
    result = _cli(engine, _write(tmp_path / "cli-good.geojson", _official_townships()),
                  "township")
    assert result.returncode == 0, result.stderr
    assert "imported boundaries cli-good.geojson (township)" in result.stdout
    _refresh()
    assert township_boundaries(engine).schematic is False
