"""Generate a dataset: the network model's records, written as the loader's CSV folder."""

from dataclasses import dataclass
from pathlib import Path

from crm.domain import Label, RelType
from graph_loader.synthetic.activity import Activity
from graph_loader.synthetic.duplicates import Planted, plant_duplicates
from graph_loader.synthetic.network import Network
from graph_loader.synthetic.people import Staffing
from graph_loader.synthetic.sizes import SIZES, SizeSpec
from graph_loader.synthetic.writer import csv_folder
from graph_loader.writer import Progress


@dataclass(frozen=True)
class GeneratedDataset:
    """A written dataset and how many records of each label and type it holds."""

    path: Path
    """The CSV folder."""
    size: str
    seed: int
    nodes: dict[str, int]
    relationships: dict[str, int]
    planted: Planted | None = None
    """The planted duplicates (a second source in a folder of its own), if any."""

    @property
    def node_total(self) -> int:
        return sum(self.nodes.values())

    @property
    def relationship_total(self) -> int:
        return sum(self.relationships.values())


def generate(size: str, out: Path, *, seed: int = 7) -> GeneratedDataset:
    """Write the dataset of the named ``size`` (a key of ``SIZES``) to the folder ``out``.

    The same size and seed give byte-identical files."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}: give one of {', '.join(SIZES)}")
    return write_dataset(SIZES[size], out, seed=seed)


def write_dataset(
    spec: SizeSpec,
    out: Path,
    *,
    seed: int = 7,
    progress: Progress | None = None,
    duplicates: float = 0.0,
) -> GeneratedDataset:
    """Write the dataset ``spec`` describes to the folder ``out``; ``progress`` hears of the
    rows as they are written, against an estimate of the total. ``duplicates``: the share of
    people and organisations to plant a duplicate of (``graph_loader.synthetic.duplicates``)."""
    if progress is not None:
        progress.start(estimated_rows(spec))
    with csv_folder(out, progress) as folder:
        network = Network(spec, seed, folder)
        network.build()
        Activity(network, Staffing(network).build()).build()
    counts = folder.counts()
    planted = None if not duplicates else plant_duplicates(out, duplicates, seed)
    return GeneratedDataset(
        path=out,
        size=spec.name,
        seed=seed,
        nodes={name.value: counts[name] for name in Label if name in counts},
        relationships={name.value: counts[name] for name in RelType if name in counts},
        planted=planted,
    )


def estimated_rows(spec: SizeSpec) -> int:
    """About how many rows ``spec`` gives, by the network model's ratios (as measured on the
    named sizes: within about 1%)."""
    nodes = (
        spec.people
        + spec.organizations
        + spec.clusters
        + spec.events
        + spec.projects
        + spec.initiatives
        + spec.documents
        + spec.topics
    )
    ties = (
        spec.interactions
        + spec.attendance
        + 1.38 * spec.people  # jobs
        + 3.13 * spec.organizations  # sectors, regions, clusters
        + 2 * spec.clusters
        + 2.67 * spec.events  # organisers, topics
        + 10.6 * spec.projects  # partners, sectors, regions
        + 6.1 * spec.initiatives  # events, partners, sectors
        + spec.documents
    )
    return round(nodes + ties)
