"""Thin callbacks, one module per page or concern, each with register(app)."""
