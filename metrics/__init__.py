"""Indicator definitions (口径): pure functions over aggregates, each defined once."""
