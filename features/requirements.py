"""The requirement IDs the report is checked against, with a short title each.

At run time they are read from `../shared/spec/REQUIREMENTS.md` beside the project when it is
there (as in CI); otherwise the catalogue below, in our own words, stands in for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SPEC_PATH = Path("..") / "shared" / "spec" / "REQUIREMENTS.md"
_ID = r"(US\d+-\d+|EC-\d+|FR-\d{3}|SC-\d{3})"
REQUIREMENT_ID = re.compile(rf"^{_ID}$")
_SPEC_LINE = re.compile(rf"^\s*[-*]\s+\**{_ID}\**\s+(.+?)\s*$")


@dataclass(frozen=True)
class Requirement:
    id: str
    title: str

    @property
    def group(self) -> str:
        return self.id[:2]


CATALOGUE = {
    "US1-1": "signed-in user123 creates 'Buy groceries': 201, owned by them, id and timestamps set",
    "US1-2": "creating under another user's path is forbidden (403)",
    "US1-3": "creating without a token is refused (401)",
    "US1-4": "creating with an expired or invalid token is refused (401)",
    "US2-1": "a user with three tasks lists exactly those three (200)",
    "US2-2": "listing another user's tasks is forbidden (403)",
    "US2-3": "a user without tasks gets an empty array (200)",
    "US2-4": "listing without a token is refused (401)",
    "US3-1": "renaming one's own task answers 200 and moves updated_at forward",
    "US3-2": "updating someone else's task answers 403 or 404",
    "US3-3": "updating a task id that does not exist answers 404",
    "US4-1": "toggling an open task completes it and moves updated_at forward",
    "US4-2": "toggling a completed task reopens it",
    "US4-3": "toggling someone else's task answers 403 or 404",
    "US5-1": "deleting one's own task answers 204 and it is gone afterwards",
    "US5-2": "deleting someone else's task answers 403 or 404",
    "US5-3": "deleting a task id that does not exist answers 404",
    "US6-1": "reading one's own task answers 200 with every field",
    "US6-2": "reading someone else's task answers 403 or 404",
    "US6-3": "reading a task id that does not exist answers 404",
    "EC-1": "a token that expired after it was issued: 401 saying it expired",
    "EC-2": "a create or update without the required title: 422 naming the field",
    "EC-3": "a title over 200 or a description over 1000 characters: 422 naming the field",
    "EC-4": "the database cannot be reached: 503 with a generic message",
    "EC-5": "a corrupted or tampered token: 401, logged, no validation detail returned",
    "EC-6": "concurrent updates of one task end consistent, nothing corrupted",
    "EC-7": "path user differs from token user: 403 before any work",
    "EC-8": "thousands of tasks: the list still answers (behaviour documented)",
    "FR-001": "every token's signature is verified with BETTER_AUTH_SECRET",
    "FR-002": "the user id comes from the verified claims",
    "FR-003": "the path user_id must equal the token's user on every endpoint",
    "FR-004": "missing, expired, invalid or malformed tokens get 401",
    "FR-005": "reaching for another user's resources gets 403",
    "FR-006": "everything is persisted in PostgreSQL (Neon) via NEON_DATABASE_URL",
    "FR-007": "titles are required, non-empty, at most 200 characters",
    "FR-008": "descriptions are optional, at most 1000 characters",
    "FR-009": "each task gets a unique generated integer id",
    "FR-010": "created_at is set when the task is created",
    "FR-011": "updated_at is refreshed on every change",
    "FR-012": "completed defaults to false",
    "FR-013": "every query is scoped to the authenticated user",
    "FR-014": "the endpoints sit exactly under /api/{user_id}/tasks",
    "FR-015": "status codes 200/201/204/400/401/403/404/422/503 as specified",
    "FR-016": "no internal errors, stack traces or database details are exposed",
    "FR-017": "secrets, credentials and tokens are never logged, stored or exposed",
    "FR-018": "the user_id column is indexed",
    "FR-019": "CORS allows the frontend origin (BETTER_AUTH_URL)",
    "FR-020": "all configuration comes from the environment or .env",
    "SC-001": "a new task appears in its creator's list right away (within 2 s)",
    "SC-002": "complete isolation: nobody reads, changes or deletes another's tasks",
    "SC-003": "every endpoint refuses missing or invalid tokens with a useful message",
    "SC-004": "operations are atomic and tasks survive a restart",
    "SC-005": "the existing frontend works without code changes",
    "SC-006": "single-task operations answer within 500 ms at p95",
    "SC-007": "50 concurrent signed-in users work without errors or corruption",
    "SC-008": "validation errors are structured so the frontend can show them",
    "SC-009": "every authentication failure is logged, without sensitive detail",
    "SC-010": "deployable and configurable through environment variables alone",
}


def load_requirements(project_root: Path) -> tuple[list[Requirement], str]:
    """The requirements and where they came from (the spec file, or the built-in catalogue)."""
    spec = (project_root / SPEC_PATH).resolve()
    if spec.is_file():
        found = parse_spec(spec.read_text(encoding="utf-8"))
        if found:
            return found, str(spec)
    return [Requirement(id, title) for id, title in CATALOGUE.items()], "built-in catalogue"


def parse_spec(text: str) -> list[Requirement]:
    """Each `- ID text` bullet of the spec, in order, once."""
    found: dict[str, Requirement] = {}
    for line in text.splitlines():
        if match := _SPEC_LINE.match(line):
            found.setdefault(match[1], Requirement(match[1], match[2]))
    return list(found.values())
