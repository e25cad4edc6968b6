"""Structured logging: one JSON object per line, each carrying the request id."""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

security_log = logging.getLogger("todo.security")
access_log = logging.getLogger("todo.access")
app_log = logging.getLogger("todo.app")

# Attributes every LogRecord has; anything else was passed in `extra=` and is emitted.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "taskName",
    "color_message",
}


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """Render a record and its `extra=` fields as one JSON line (no tracebacks)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    """Human-readable lines: the message, then `key=value` for the extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        extras = " ".join(f"{k}={v}" for k, v in record.__dict__.items() if k not in _STANDARD)
        return f"{record.levelname:<7} {record.name}: {record.getMessage()} {extras}".rstrip()


def server_log_config(fmt: str) -> dict[str, Any]:
    """A `logging.config.dictConfig` section that gives the server layer's own lines (granian's
    `_granian` logger: listening, workers, shutdown) the app's format, on stderr."""
    formatter = JsonFormatter if fmt == "json" else TextFormatter
    return {
        "formatters": {"todo": {"()": f"{__name__}.{formatter.__name__}"}},
        "handlers": {
            "todo": {
                "class": "logging.StreamHandler",
                "formatter": "todo",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {"_granian": {"handlers": ["todo"], "propagate": False}},
    }


def configure_logging(level: str, fmt: str) -> None:
    """Send the app's and uvicorn's logs to stderr in the chosen format."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(_RequestIdFilter())
    for name in ("todo", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False
    logging.getLogger("uvicorn.access").disabled = True
