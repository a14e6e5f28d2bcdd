"""Scaled-down generator sizes for tests: seconds to generate and to load."""

from graph_loader.synthetic import SIZES

TINY = SIZES["small"].scaled(0.05, "tiny")
"""About 500 nodes and 3,000 ties."""
