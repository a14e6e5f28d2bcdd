"""Datasets that ship with the loader."""

from pathlib import Path

INTRANET = Path(__file__).with_name("intranet.yaml")
"""The InTra-Net demo: the article's facts, and invented records around them."""
