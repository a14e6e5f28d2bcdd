"""Scaled-down generator sizes for tests: seconds to generate and to load."""

from graph_loader.synthetic import SIZES

TINY = SIZES["small"].scaled(0.05, "tiny")
"""About 500 nodes and 3,000 ties."""
QUARTER = SIZES["small"].scaled(0.25, "quarter")
"""About 2,500 nodes and 15,000 ties: enough for the network model's ratios to show, and for each
benchmark section's figures to be more than rounding."""
