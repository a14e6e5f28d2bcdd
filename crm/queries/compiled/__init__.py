"""The Cypher of compiled reads: one statement per top-level field of a query, whose rows nest
as the response does (``cypher.py``), for a plan (``plan.py``) that ``crm.api.compiled`` makes
from a GraphQL selection."""
