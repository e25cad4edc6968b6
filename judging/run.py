"""Everything one judged target's page shows, read back from its reports folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from judging.acceptance import ACCEPTANCE, Acceptance, complete, read_acceptance
from judging.files import BENCH, OWN_STACK, RUN, read_json
from judging.load import Load, read_load


@dataclass(frozen=True)
class Run:
    """Any part may be missing when its step did not run."""

    acceptance: Acceptance | None
    load: Load | None = None
    bench: Any = None
    context: dict[str, Any] = field(default_factory=dict)


def read_run(reports: Path) -> Run:
    return Run(
        acceptance=complete(
            read_acceptance(reports / ACCEPTANCE), read_acceptance(reports / OWN_STACK / ACCEPTANCE)
        ),
        load=read_load(reports),
        bench=read_json(reports / BENCH),
        context=read_json(reports / RUN) or {},
    )
