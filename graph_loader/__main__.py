"""``python -m graph_loader PATH...``: the load command, the same as ``crm load PATH...``."""

import logging

import typer

from graph_loader.command import load

if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    typer.run(load)
