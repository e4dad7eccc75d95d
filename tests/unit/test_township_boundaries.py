"""Checks of the committed schematic township geometry (assets/geo/shishou_townships.geojson).

The geometry is built by scripts/build_township_boundaries.py; these tests re-check it
independently (own shoelace winding, own haversine distances) and that the build reproduces
the committed bytes.
"""

from __future__ import annotations

import csv
import importlib.util
import itertools
import json
import math
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import shapely
from shapely.geometry import Point, box, shape
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parents[2]
TOWNSHIPS = ROOT / "assets" / "geo" / "shishou_townships.geojson"
COUNTY_ASSET = ROOT / "assets" / "geo" / "shishou_county.geojson"
COUNTY_REF = ROOT / "data" / "reference" / "shishou_county.geojson"
POINTS = ROOT / "data" / "reference" / "shishou_township_points.csv"
SCRIPT = ROOT / "scripts" / "build_township_boundaries.py"

MIN_LABEL_KM = 3.0


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_township_boundaries", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def collection() -> dict[str, Any]:
    return json.loads(TOWNSHIPS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def features(collection: dict[str, Any]) -> list[dict[str, Any]]:
    return collection["features"]


@pytest.fixture(scope="module")
def points() -> dict[str, dict[str, str]]:
    with POINTS.open(encoding="utf-8", newline="") as fh:
        return {row["code"]: row for row in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def county() -> BaseGeometry:
    data = json.loads(COUNTY_REF.read_text(encoding="utf-8"))
    return shape(data["features"][0]["geometry"])


def _km_plane(geom: BaseGeometry, lat0: float = 29.72) -> BaseGeometry:
    """Equirectangular km coordinates: good enough for areas over a 50 km county."""
    kx = 111.195 * math.cos(math.radians(lat0))
    return shapely.transform(geom, lambda c: c * [kx, 111.195])


def _haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def _signed_area(ring: list[list[float]]) -> float:
    """Shoelace formula: positive for counter-clockwise rings (x east, y north)."""
    return 0.5 * sum(
        x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring)
    )


def _polygons(geometry: dict[str, Any]) -> list[list[list[list[float]]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    assert geometry["type"] == "MultiPolygon", geometry["type"]
    return geometry["coordinates"]


def test_fifteen_features_with_the_reference_codes(
    features: list[dict[str, Any]], points: dict[str, dict[str, str]]
) -> None:
    assert len(features) == 15
    codes = [f["properties"]["code"] for f in features]
    assert sorted(codes) == sorted(points)
    assert len(set(codes)) == 15
    for f in features:
        props = f["properties"]
        assert f["id"] == props["code"]
        assert len(props["code"]) == 12 and props["code"].isdigit()
        assert props["name"] == points[props["code"]]["name"]


def test_marked_schematic_with_a_source(collection: dict[str, Any]) -> None:
    assert collection["type"] == "FeatureCollection"
    assert collection["schematic"] is True
    assert (
        isinstance(collection["source"], str)
        and "schematic" in collection["source"].lower()
    )
    for f in collection["features"]:
        assert f["properties"]["schematic"] is True


def test_estimated_points_are_flagged(
    features: list[dict[str, Any]], points: dict[str, dict[str, str]]
) -> None:
    flagged = {
        f["properties"]["code"]
        for f in features
        if f["properties"]["estimated_point"] is True
    }
    expected = {
        code for code, row in points.items() if row["note"].startswith("estimated:")
    }
    assert len(expected) == 4
    assert flagged == expected
    for f in features:
        assert isinstance(f["properties"]["estimated_point"], bool)


def test_geometries_are_valid_polygons(features: list[dict[str, Any]]) -> None:
    for f in features:
        geom = shape(f["geometry"])
        assert geom.geom_type in {"Polygon", "MultiPolygon"}
        assert geom.is_valid, (f["id"], shapely.is_valid_reason(geom))
        assert not geom.is_empty


def test_rings_are_wound_for_plotly(features: list[dict[str, Any]]) -> None:
    """d3-geo: exterior rings clockwise (negative shoelace area), holes counter-clockwise."""
    for f in features:
        for rings in _polygons(f["geometry"]):
            assert _signed_area(rings[0]) < 0, (
                f"{f['id']}: exterior ring is counter-clockwise"
            )
            for hole in rings[1:]:
                assert _signed_area(hole) > 0, f"{f['id']}: hole is clockwise"


def test_coordinates_are_rounded(features: list[dict[str, Any]]) -> None:
    for f in features:
        for rings in _polygons(f["geometry"]):
            for ring in rings:
                for x, y in ring:
                    assert round(x, 6) == x and round(y, 6) == y


def test_cells_cover_the_county(
    features: list[dict[str, Any]], county: BaseGeometry
) -> None:
    cells = [_km_plane(shape(f["geometry"])) for f in features]
    county_km = _km_plane(county)
    union = shapely.union_all(cells)
    assert union.area == pytest.approx(county_km.area, rel=0.01)
    assert sum(c.area for c in cells) == pytest.approx(county_km.area, rel=0.01)
    assert county_km.symmetric_difference(union).area < 0.01 * county_km.area


def test_cells_do_not_overlap(features: list[dict[str, Any]]) -> None:
    cells = {f["id"]: _km_plane(shape(f["geometry"])) for f in features}
    for (a, ga), (b, gb) in itertools.combinations(sorted(cells.items()), 2):
        assert ga.intersection(gb).area < 1e-3, f"{a} and {b} overlap"  # km²


def test_each_township_point_lies_in_its_own_cell(
    features: list[dict[str, Any]], points: dict[str, dict[str, str]]
) -> None:
    for f in features:
        row = points[f["id"]]
        assert shape(f["geometry"]).contains(
            Point(float(row["lon"]), float(row["lat"]))
        ), f["id"]


def test_label_points_inside_own_cell_and_apart(features: list[dict[str, Any]]) -> None:
    labels = {}
    for f in features:
        props = f["properties"]
        lon, lat = props["label_lon"], props["label_lat"]
        assert shape(f["geometry"]).contains(Point(lon, lat)), (
            f"{f['id']}: label outside its cell"
        )
        labels[f["id"]] = (lon, lat)
    for (a, pa), (b, pb) in itertools.combinations(sorted(labels.items()), 2):
        assert _haversine_km(*pa, *pb) >= MIN_LABEL_KM, (
            f"labels of {a} and {b} too close"
        )


def test_county_asset_is_the_reference_copy() -> None:
    assert COUNTY_ASSET.read_bytes() == COUNTY_REF.read_bytes()


def test_rebuild_reproduces_committed_file(tmp_path: Path) -> None:
    out = tmp_path / "townships.geojson"
    county_out = tmp_path / "county.geojson"
    subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--output",
            str(out),
            "--county-output",
            str(county_out),
        ],
        check=True,
        cwd=tmp_path,
        capture_output=True,
    )
    assert out.read_bytes() == TOWNSHIPS.read_bytes()
    assert county_out.read_bytes() == COUNTY_REF.read_bytes()


def test_label_nudging_separates_close_labels() -> None:
    """Two 2.5 km x 4 km cells side by side: their poles are 2.5 km apart, so one must move."""
    mod = _load_script()
    plane = mod.LocalPlane(112.5, 29.7)
    towns = [
        mod.Township("421081001000", "a", *plane.to_lonlat(1.25, 2.0), False),
        mod.Township("421081002000", "b", *plane.to_lonlat(3.75, 2.0), False),
    ]
    cells = {
        towns[0].code: plane.inverse(box(0.0, 0.0, 2.5, 4.0)),
        towns[1].code: plane.inverse(box(2.5, 0.0, 5.0, 4.0)),
    }
    labels = mod.label_points(towns, cells, plane)
    (xa, ya), (xb, yb) = labels[towns[0].code], labels[towns[1].code]
    assert math.dist((xa, ya), (xb, yb)) >= mod.MIN_LABEL_DISTANCE_KM
    assert box(0.0, 0.0, 2.5, 4.0).contains(Point(xa, ya))
    assert box(2.5, 0.0, 5.0, 4.0).contains(Point(xb, yb))
