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
