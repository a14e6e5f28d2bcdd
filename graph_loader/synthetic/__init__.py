"""A deterministic, seeded generator of a Danish-German border-region network at named sizes,
written in the loader's CSV format."""

from graph_loader.synthetic.generate import GeneratedDataset, generate, write_dataset
from graph_loader.synthetic.sizes import SIZES, SizeSpec

__all__ = ["SIZES", "GeneratedDataset", "SizeSpec", "generate", "write_dataset"]
