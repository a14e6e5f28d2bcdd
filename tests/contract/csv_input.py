"""A CSV folder in the loader's format, of any size, for tests of large input."""

import csv
from pathlib import Path


def people_and_interactions(folder: Path, people: int, interactions: int) -> Path:
    """A CSV folder of ``people`` people and ``interactions`` interactions between them; its
    relationship file sorts before the node file, so nodes must be read first on purpose."""
    folder.mkdir()
    with (folder / "Person.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["id", "givenName", "familyName", "country", "consent.basis", "consent.date"]
        )
        for n in range(people):
            writer.writerow([f"p{n}", "Søren", f"Hansen {n}", "DK", "consent", "2014-05-02"])
    with (folder / "INTERACTED.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "from", "to", "kind", "date"])
        for n in range(interactions):
            source, target = n % people, (n * 7 + 1) % people
            if source == target:
                target = (target + 1) % people
            writer.writerow([f"i{n}", f"p{source}", f"p{target}", "meeting", "2015-01-01"])
    return folder
