"""Plane geometry shared by the boundary import and scripts/build_township_boundaries.py.

Pure functions on shapely geometries, no database: a local metric plane, ring orientation the
way plotly.js / d3-geo expect it, and label points (pole of inaccessibility, nudged apart).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient
from shapely.ops import polylabel

EARTH_RADIUS_KM = 6371.0088
LABEL_DECIMALS = 5
MIN_LABEL_DISTANCE_KM = 3.0
LABEL_TARGET_KM = 3.3  # nudged labels aim a little above the minimum
LABEL_GRID_KM = 0.1  # candidate spacing when nudging a label
POLYLABEL_TOLERANCE_KM = 0.005


class LocalPlane:
    """Equirectangular projection around a fixed origin, in km (affine in lon/lat)."""

    def __init__(self, lon0: float, lat0: float) -> None:
        self.lon0 = lon0
        self.lat0 = lat0
        self.kx = EARTH_RADIUS_KM * math.radians(1.0) * math.cos(math.radians(lat0))
        self.ky = EARTH_RADIUS_KM * math.radians(1.0)

    def forward(self, geom: BaseGeometry) -> BaseGeometry:
        return shapely.transform(
            geom,
            lambda c: np.column_stack(
                ((c[:, 0] - self.lon0) * self.kx, (c[:, 1] - self.lat0) * self.ky)
            ),
        )

    def inverse(self, geom: BaseGeometry) -> BaseGeometry:
        return shapely.transform(
            geom,
            lambda c: np.column_stack(
                (c[:, 0] / self.kx + self.lon0, c[:, 1] / self.ky + self.lat0)
            ),
        )

    def to_xy(self, lon: float, lat: float) -> tuple[float, float]:
        return ((lon - self.lon0) * self.kx, (lat - self.lat0) * self.ky)

    def to_lonlat(self, x: float, y: float) -> tuple[float, float]:
        return (x / self.kx + self.lon0, y / self.ky + self.lat0)


def polygons_of(geom: BaseGeometry) -> list[Polygon]:
    """The polygonal parts of a geometry (drops points/lines an intersection may leave)."""
    if isinstance(geom, Polygon):
        return [geom] if not geom.is_empty else []
    if hasattr(geom, "geoms"):
        out: list[Polygon] = []
        for part in geom.geoms:
            out.extend(polygons_of(part))
        return out
    return []


def oriented(geom: BaseGeometry) -> Polygon | MultiPolygon:
    """Exterior rings clockwise, holes counter-clockwise (plotly.js / d3-geo convention)."""
    parts = [orient(p, sign=-1.0) for p in polygons_of(geom)]
    parts.sort(
        key=lambda p: (-p.area, p.representative_point().x, p.representative_point().y)
    )
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def _boundary_distance(poly: Polygon, xy: np.ndarray) -> np.ndarray:
    return shapely.distance(poly.boundary, shapely.points(xy))


def label_points(
    codes: Sequence[str],
    cells: Mapping[str, BaseGeometry],
    plane: LocalPlane,
    min_distance_km: float | None = MIN_LABEL_DISTANCE_KM,
) -> dict[str, tuple[float, float]]:
    """Label point per code in km coordinates: polylabel of the largest part, then nudged.

    With ``min_distance_km`` set, labels closer than that are moved, one at a time, to the point
    of their cell farthest from its edges among those at least ``LABEL_TARGET_KM`` from every
    other label. ``None`` keeps the plain poles. Raises ValueError when labels cannot be
    separated.
    """
    main_part: dict[str, Polygon] = {}
    labels: dict[str, tuple[float, float]] = {}
    for code in codes:
        parts = [plane.forward(p) for p in polygons_of(cells[code])]
        part = max(parts, key=lambda p: p.area)
        main_part[code] = part
        pt = polylabel(part, tolerance=POLYLABEL_TOLERANCE_KM)
        labels[code] = (pt.x, pt.y)
    if min_distance_km is None:
        return labels
    minimum = min_distance_km
    target = max(LABEL_TARGET_KM, minimum)

    def too_close() -> list[tuple[float, str, str]]:
        ordered = sorted(labels)
        pairs = []
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                d = math.dist(labels[a], labels[b])
                if d < minimum:
                    pairs.append((d, a, b))
        return sorted(pairs)

    def best_candidate(code: str) -> tuple[float, tuple[float, float]] | None:
        """Point of the cell farthest from its edges among those >= target from other labels."""
        part = main_part[code]
        minx, miny, maxx, maxy = part.bounds
        xs = (
            np.arange(
                math.floor(minx / LABEL_GRID_KM), math.ceil(maxx / LABEL_GRID_KM) + 1
            )
            * LABEL_GRID_KM
        )
        ys = (
            np.arange(
                math.floor(miny / LABEL_GRID_KM), math.ceil(maxy / LABEL_GRID_KM) + 1
            )
            * LABEL_GRID_KM
        )
        gx, gy = np.meshgrid(xs, ys)
        xy = np.column_stack((gx.ravel(), gy.ravel()))
        xy = xy[shapely.contains_xy(part, xy[:, 0], xy[:, 1])]
        others = np.array([labels[c] for c in sorted(labels) if c != code])
        if len(xy) == 0:
            return None
        dmin = np.min(
            np.hypot(
                xy[:, None, 0] - others[None, :, 0], xy[:, None, 1] - others[None, :, 1]
            ),
            axis=1,
        )
        xy = xy[dmin >= target]
        if len(xy) == 0:
            return None
        edge = _boundary_distance(part, xy)
        i = int(np.argmax(edge))  # first maximum: deterministic
        return float(edge[i]), (float(xy[i, 0]), float(xy[i, 1]))

    for _ in range(4 * len(codes)):
        conflicts = too_close()
        if not conflicts:
            break
        _, a, b = conflicts[0]
        options = [
            (cand, code)
            for code in (a, b)
            if (cand := best_candidate(code)) is not None
        ]
        if not options:
            raise ValueError(f"cannot separate the labels of {a} and {b}")
        (_, xy), code = max(options, key=lambda o: (o[0][0], o[1]))
        labels[code] = xy
    else:
        raise ValueError(f"label conflicts remain: {too_close()}")
    return labels


def plane_around(geoms: Sequence[BaseGeometry]) -> LocalPlane:
    """A local plane centred (to 0.01°) on the middle of the geometries' bounding box."""
    minx, miny, maxx, maxy = shapely.total_bounds(list(geoms))
    return LocalPlane(round((minx + maxx) / 2, 2), round((miny + maxy) / 2, 2))


def label_points_lonlat(
    cells: Mapping[str, BaseGeometry], min_distance_km: float | None = MIN_LABEL_DISTANCE_KM
) -> dict[str, tuple[float, float]]:
    """Label points in lon/lat (rounded to ``LABEL_DECIMALS``) of lon/lat polygons.

    Labels are nudged at least ``min_distance_km`` apart when that is possible; when it is not
    (cells too small or too many), each label stays at its cell's pole of inaccessibility.
    """
    codes = sorted(cells)
    if not codes:
        return {}
    plane = plane_around([cells[c] for c in codes])
    try:
        labels_km = label_points(codes, cells, plane, min_distance_km)
    except ValueError:
        labels_km = label_points(codes, cells, plane, None)
    out: dict[str, tuple[float, float]] = {}
    for code, (x, y) in labels_km.items():
        lon, lat = plane.to_lonlat(x, y)
        point = (round(lon, LABEL_DECIMALS), round(lat, LABEL_DECIMALS))
        if not shapely.contains_xy(cells[code], *point):
            # Rounding pushed the label out of a sliver: any interior point will do.
            inside = max(polygons_of(cells[code]), key=lambda p: p.area).representative_point()
            point = (inside.x, inside.y)
        out[code] = point
    return out
