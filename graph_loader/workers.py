"""Checking records in worker processes: the records are sent a chunk at a time to a pool
(``concurrent.futures``), and their checks come back in input order, while this process goes on
with the checks across records. Nothing is written while validating, so the all-or-nothing rule
holds with any number of processes.

One process checks in this process, as does any input that fits in one chunk (a pool's start
would cost more than it saves). The pool's processes come from a fork server that has imported
the domain model once, so each starts at once and none inherits the open store or threads. As
with any such pool, a script that loads with several processes guards its work with
``if __name__ == "__main__":`` (each worker imports the script's main module).
"""

import asyncio
import multiprocessing
from collections import deque
from collections.abc import AsyncIterator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import batched, chain
from types import TracebackType
from typing import Self

from graph_loader.checks import Check, check_all
from graph_loader.records import Problem, RawRecord, Read

CHUNK = 1000
"""Records sent to a worker at a time."""
_AHEAD = 2
"""Chunks in flight per worker: enough to keep each busy while this process reads the next."""


_Sent = tuple[tuple[Read, ...], Future[list[Check]]]
"""A chunk and its checks to come."""


class Checker:
    """Checks records with ``processes`` processes, ``chunk`` records at a time; use it as a
    context manager (the pool, once started, is shut down on exit)."""

    def __init__(self, processes: int, chunk: int = CHUNK) -> None:
        self.processes = processes
        self.chunk = chunk
        self._pool: ProcessPoolExecutor | None = None

    async def checked(self, reads: Iterable[Read]) -> AsyncIterator[tuple[Read, Check | None]]:
        """Each read with its record's checks (``None`` for a problem of reading), in order."""
        chunks = batched(reads, self.chunk)
        ahead = [chunk for chunk in (next(chunks, None), next(chunks, None)) if chunk is not None]
        everything = chain(ahead, chunks)
        if self.processes == 1 or len(ahead) < 2:
            for chunk in everything:
                for pair in _paired(chunk, check_all(_records(chunk))):
                    yield pair
            return
        pool = self._started()
        pending: deque[_Sent] = deque()
        for chunk in everything:
            pending.append((chunk, pool.submit(check_all, _records(chunk))))
            if len(pending) >= self.processes * _AHEAD:
                for pair in await _done(pending.popleft()):
                    yield pair
        while pending:
            for pair in await _done(pending.popleft()):
                yield pair

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["graph_loader.checks"])
            self._pool = ProcessPoolExecutor(self.processes, mp_context=context)
        return self._pool

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)


async def _done(sent: _Sent) -> list[tuple[Read, Check | None]]:
    chunk, future = sent
    return list(_paired(chunk, await asyncio.wrap_future(future)))


def _records(chunk: tuple[Read, ...]) -> list[RawRecord]:
    return [read for read in chunk if isinstance(read, RawRecord)]


def _paired(chunk: tuple[Read, ...], checks: list[Check]) -> Iterator[tuple[Read, Check | None]]:
    results = iter(checks)
    for read in chunk:
        yield read, None if isinstance(read, Problem) else next(results)
