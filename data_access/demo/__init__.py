"""Deterministic demo data for 石首市, loaded through the same import path as county files."""

from data_access.demo.build import STEPS, StepTiming, build_demo, write_demo_files
from data_access.demo.provenance import real_imports
from data_access.demo.volunteers import (
    INACTIVE_VILLAGES,
    SHORTFALL_TOWNSHIPS,
    SHORTFALL_VILLAGES,
)

__all__ = [
    "INACTIVE_VILLAGES",
    "SHORTFALL_TOWNSHIPS",
    "SHORTFALL_VILLAGES",
    "STEPS",
    "StepTiming",
    "build_demo",
    "real_imports",
    "write_demo_files",
]
