"""The task table and the shapes that enter and leave the API."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Strict, StringConstraints, model_validator
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    false,
    func,
)
from sqlmodel import Field, SQLModel

TITLE_MAX = 200
DESCRIPTION_MAX = 1000
USER_ID_MAX = 255


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # Unicode's Cc: C0, DEL, C1
_CONTROL_BUT_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # Cc less \t \n \r
_INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})  # controls, format characters, spaces


def _storable(text: str | None) -> str | None:
    """PostgreSQL text holds neither NUL characters nor unpaired surrogates."""
    if text is not None:
        if "\x00" in text:
            raise ValueError("must not contain NUL characters")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("must be valid Unicode text") from None
    return text


def _one_line_visible(title: str) -> str:
    """A title is one line of text a person can see: no control characters (tabs and line
    breaks included), and not only invisible ones (U+200B, U+FEFF, U+2060 ...)."""
    if _CONTROL.search(title):
        raise ValueError("must not contain control characters")
    if not title.isprintable() and all(unicodedata.category(c) in _INVISIBLE for c in title):
        raise ValueError("must contain a visible character")
    return title


def _no_controls_but_lines(description: str | None) -> str | None:
    """A description may hold tabs and line breaks, but no other control characters."""
    if description is not None and _CONTROL_BUT_LINES.search(description):
        raise ValueError("must not contain control characters other than tabs and line breaks")
    return description


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, strict=True, min_length=1, max_length=TITLE_MAX),
    AfterValidator(_storable),
    AfterValidator(_one_line_visible),
]
Description = Annotated[
    str | None,
    StringConstraints(strict=True, max_length=DESCRIPTION_MAX),
    AfterValidator(_storable),
    AfterValidator(_no_controls_but_lines),
]
UtcDatetime = Annotated[datetime, AfterValidator(_utc)]
Flag = Annotated[bool, Strict()]

TaskStatus = Literal["all", "pending", "completed"]
TaskSort = Literal["created", "-created", "title", "-title", "updated", "-updated"]


class Task(SQLModel, table=True):
    """A row of the `tasks` table; every constraint the API checks is enforced here too."""

    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint(
            f"char_length(title) BETWEEN 1 AND {TITLE_MAX} AND title = btrim(title)",
            name="ck_tasks_title",
        ),
        CheckConstraint(
            f"description IS NULL OR char_length(description) <= {DESCRIPTION_MAX}",
            name="ck_tasks_description",
        ),
        CheckConstraint("user_id <> ''", name="ck_tasks_user_id"),
        Index("ix_tasks_user_id_created_at_id", "user_id", "created_at", "id"),
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    user_id: str = Field(sa_column=Column(String(USER_ID_MAX), nullable=False))
    title: str = Field(sa_column=Column(String(TITLE_MAX), nullable=False))
    description: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    completed: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    created_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    )
    updated_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    )


class TaskCreate(SQLModel):
    """POST body. Read-only fields the frontend echoes back (`id`, `user_id`, …) are ignored."""

    model_config = {"extra": "ignore"}  # a literal mypy checks against SQLModel's config type

    title: Title
    description: Description = None
    completed: Flag = False


class TaskUpdate(SQLModel):
    """PUT body: any non-empty subset of title, description and completed."""

    model_config = {"extra": "ignore"}

    title: Title | None = None
    description: Description = None
    completed: Flag | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> TaskUpdate:
        if not self.changes():
            raise ValueError("at least one of title, description or completed is required")
        return self

    def changes(self) -> dict[str, object]:
        """The fields to write: those sent, except a null title or completed (no change)."""
        sent = self.model_dump(exclude_unset=True)
        return {k: v for k, v in sent.items() if v is not None or k == "description"}


class TaskPublic(SQLModel):
    """A task as the API returns it; timestamps are UTC, ISO 8601."""

    id: int
    user_id: str
    title: str
    description: str | None
    completed: bool
    created_at: UtcDatetime
    updated_at: UtcDatetime


class ErrorResponse(SQLModel):
    """Every error the API returns outside validation: `{"detail": "..."}`."""

    detail: str
