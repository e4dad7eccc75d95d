"""Rendered component trees kept in the cache (data_access/cache.py) as the JSON Dash sends:
parsed back in a few ms where unpickling a tree took over 100 ms, and sent by Dash exactly as
the tree would be."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from dash import html
from plotly.io.json import to_json_plotly

from data_access.cache import Codec

TREE_JSON = Codec(lambda tree: to_json_plotly(tree).encode(), json.loads)
# A tree as drawn, or the JSON form of one (from the shared level).
Tree = html.Div | dict[str, Any]


def digest(value: object) -> str:
    """A short stable stand-in for a value in a cache key."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]
