"""The project's own exceptions; adapters translate engine and driver errors into these."""


class CrmError(Exception):
    """Root of every error the CRM raises on purpose."""


class NotFound(CrmError):
    """A record the caller named does not exist."""


class Conflict(CrmError):
    """The write would break a uniqueness rule or collides with a concurrent change."""


class InvalidInput(CrmError):
    """Input that the domain model refuses."""


class StoreUnavailable(CrmError):
    """The graph engine cannot be reached or started."""


class StoreError(CrmError):
    """The engine refused a statement (a bug in a query or an engine limit)."""


class QueryTimeout(StoreError):
    """The engine stopped a statement that ran longer than ``CRM_QUERY_TIMEOUT_MS``."""


class OutdatedGraph(CrmError):
    """The graph was written by an earlier version and needs ``crm migrate`` first."""


class BudgetExceeded(QueryTimeout):
    """A request ran past the time budget of its caller's role (``setting`` names it)."""

    def __init__(self, budget_ms: int, setting: str) -> None:
        super().__init__(f"the request ran past its time budget of {budget_ms} ms ({setting})")
        self.budget_ms = budget_ms
        self.setting = setting


class TooManyFailures(CrmError):
    """A client address or key id failed too many key checks lately: ask again in ``wait_s``."""

    def __init__(self, wait_s: int) -> None:
        super().__init__(f"too many failed key checks; try again in {wait_s} s")
        self.wait_s = wait_s
