"""``python -m graph_loader PATH...``: the same as ``crm load PATH...``."""

import typer

from crm.cli import load

if __name__ == "__main__":
    typer.run(load)
