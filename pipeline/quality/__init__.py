"""Checks on model outputs: degenerate translations, numbers and names that went missing."""

from pipeline.quality.degenerate import diagnose
from pipeline.quality.numbers import check_numbers

__all__ = ["check_numbers", "diagnose"]
