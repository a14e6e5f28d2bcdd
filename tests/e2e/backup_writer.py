"""A writer for the backup test, run as its own process: writes numbered interactions, each with
a topic of the same id, one statement each, until the file ``stop`` names appears; prints how
many it wrote. ``python -m tests.e2e.backup_writer DATA_DIR STARTED STOP``."""

import asyncio
import sys
from pathlib import Path

from crm.config import load_settings
from crm.graph.connect import open_store

A, B = "p-jana-fiktivberg", "p-michael-nedergaard"
WRITE = """
MATCH (a:Person {id: $a}), (b:Person {id: $b})
CREATE (:Topic {id: $id, name: $id, source: 'writer', createdAt: $at, updatedAt: $at})
CREATE (a)-[:INTERACTED {id: $id, kind: 'call', date: '2020-01-01', source: 'writer',
                         createdAt: $at, updatedAt: $at}]->(b)
RETURN count(*) AS written
"""
AT = "2020-01-01T00:00:00.000Z"
PAUSE_S = 0.01
"""Between writes: hundreds during a backup, not tens of thousands to export afterwards."""


def write_id(number: int) -> str:
    return f"w-{number:06d}"


async def main(data_dir: Path, started: Path, stop: Path) -> None:
    store = await open_store(load_settings(data_dir=data_dir))
    written = 0
    try:
        while not stop.exists():
            rows = await store.write(WRITE, {"a": A, "b": B, "id": write_id(written), "at": AT})
            assert rows == [{"written": 1}], rows
            written += 1
            started.touch()
            await asyncio.sleep(PAUSE_S)
    finally:
        await store.close()
    print(written)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])))
