"""How big each named dataset is."""

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class SizeSpec:
    """The number of records of each kind; the ties that follow from them (jobs, memberships,
    partners, ...) come from the network model's ratios."""

    name: str
    people: int
    organizations: int
    clusters: int
    events: int
    projects: int
    initiatives: int
    documents: int
    topics: int
    interactions: int
    attendance: int
    """About how many ATTENDED ties in all (popular events get most of them)."""

    def scaled(self, factor: float, name: str) -> "SizeSpec":
        """Every count times ``factor`` (at least one of each)."""
        counts = {
            spec_field.name: max(1, round(getattr(self, spec_field.name) * factor))
            for spec_field in fields(self)
            if spec_field.name != "name"
        }
        return replace(self, name=name, **counts)


SMALL = SizeSpec(
    name="small",
    people=8_000,
    organizations=1_200,
    clusters=40,
    events=400,
    projects=40,
    initiatives=150,
    documents=160,
    topics=40,
    interactions=30_000,
    attendance=12_000,
)
"""About 10k nodes and 60k ties: CI's smoke test of the benchmark suite."""

MEDIUM = SizeSpec(
    name="medium",
    people=100_000,
    organizations=12_000,
    clusters=240,
    events=6_000,
    projects=300,
    initiatives=2_000,
    documents=1_500,
    topics=80,
    interactions=560_000,
    attendance=240_000,
)
"""100k people and about 1M ties; 12k organisations, so that a list of 10,000 exists."""

LARGE = SizeSpec(
    name="large",
    people=1_000_000,
    organizations=120_000,
    clusters=600,
    events=60_000,
    projects=3_000,
    initiatives=20_000,
    documents=15_000,
    topics=180,
    interactions=5_600_000,
    attendance=2_400_000,
)
"""Ten times ``medium``'s people and ties (about 1.2M nodes and 10M ties): as big as 24 GB of
memory allows on the embedded engine, with headroom.

Measured on this machine (RSS of the embedded engine, falkordblite 0.11.0, seed 7): 23.5 MB
empty; after loading ``small`` (10k nodes, 59k ties) 91 MB; after ``medium`` (122k nodes, 1.01M
ties) 816 MB, about 700 bytes per record (node or tie, indexes included), 8 MB per 1,000
people with their ties. Loaded (2026-12-07, BENCHMARKS.md): ``large`` took 9.2 GiB (771 MiB per
100k nodes), each rewrite of the append-only file (a forked, copy-on-write child) copied at
most 0.9 GiB, and the loader peaked at 5.4 GiB while validating, before the engine grew."""

SIZES: dict[str, SizeSpec] = {spec.name: spec for spec in (SMALL, MEDIUM, LARGE)}
