"""A separate process that uses a data folder, for the tests of sharing, durability and clean-up.

    python -m tests.contract.engine_worker DATA_DIR PREFIX COUNT [START_AT] [--no-close]

Waits until the wall-clock time START_AT (so that several workers open the folder at the same
instant), opens the store, writes COUNT Topic nodes one statement each and prints each id once
the engine has acknowledged it. COUNT 0 writes until the engine goes away. With --no-close the
process exits without closing the store (its exit handler must release it).
"""

import asyncio
import sys
import time
from pathlib import Path

from crm.config import load_settings
from crm.errors import StoreUnavailable
from crm.graph.connect import open_store


async def main(data_dir: Path, prefix: str, count: int, start_at: float, close: bool) -> None:
    time.sleep(max(0.0, start_at - time.time()))
    store = await open_store(load_settings(data_dir=data_dir))
    written = 0
    try:
        while count == 0 or written < count:
            node_id = f"{prefix}-{written}"
            await store.write(
                "CREATE (:Topic {id: $id, name: $id, source: 'test'})", {"id": node_id}
            )
            print(node_id, flush=True)
            written += 1
    except StoreUnavailable:
        if count:
            raise
    if close:
        await store.close()


if __name__ == "__main__":
    args = [arg for arg in sys.argv[1:] if arg != "--no-close"]
    asyncio.run(
        main(
            Path(args[0]),
            args[1],
            int(args[2]),
            float(args[3]) if len(args) > 3 else 0.0,
            "--no-close" not in sys.argv,
        )
    )
