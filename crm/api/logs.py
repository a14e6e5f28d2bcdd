"""The server's log lines: as text, or with ``CRM_LOG_FORMAT=json`` as one JSON object a line;
either way each line written while a request runs carries its request id (``request_id``)."""

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_REQUEST_ID: ContextVar[str | None] = ContextVar("crm_request_id", default=None)


@contextmanager
def request_id_logged(request_id: str) -> Iterator[None]:
    """Log lines written in this context carry ``request_id``."""
    token = _REQUEST_ID.set(request_id)
    try:
        yield
    finally:
        _REQUEST_ID.reset(token)


def set_request_id(request_id: str) -> None:
    """The rest of the current task (an ASGI request's) logs with ``request_id``."""
    _REQUEST_ID.set(request_id)


class _WithRequestId(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", "request_id"[, "exception"]}`` a line."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def use_json(level: int = logging.INFO) -> None:
    """Write the root logger's lines, and uvicorn's, to standard error as JSON objects."""
    handler = logging.StreamHandler()
    handler.addFilter(_WithRequestId())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
