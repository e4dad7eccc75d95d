"""HTML attributes that are not Python names (aria-*, data-*) for Dash components."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def attributes(values: Mapping[str, str]) -> dict[str, Any]:
    """The same attributes, typed for `**` into a component: `html.Span(**attributes({...}))`.

    Dash components take such attributes as extra keyword arguments. mypy checks the values of
    a `**{"aria-hidden": "true"}` against every typed keyword parameter of the component
    (hidden, n_clicks, ...) and fails; a dict[str, Any] passes, and the values stay str here."""
    return dict(values)
