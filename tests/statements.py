"""A store that records the text of every statement it runs, to show that no statement is
shaped by user text: whatever the input, the texts come from one finite set."""

from typing import LiteralString

from crm.graph.counting import CountingStore
from crm.graph.store import Parameters, Record


class RecordingStore(CountingStore):
    """A ``CountingStore`` that also keeps the distinct statement texts it ran."""

    statements: set[str]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.statements = set()

    async def read(
        self, query: LiteralString, parameters: Parameters | None = None
    ) -> list[Record]:
        self.statements.add(query)
        return await super().read(query, parameters)

    async def write(
        self, query: LiteralString, parameters: Parameters | None = None
    ) -> list[Record]:
        self.statements.add(query)
        return await super().write(query, parameters)
