"""Imports of the county's filled-in templates: validate everything, then write all or nothing."""
