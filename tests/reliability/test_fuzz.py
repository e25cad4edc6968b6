"""Schemathesis against the live backend: our own OpenAPI schema, and the frontend's contract.

No 5xx, responses conform to the schema, status codes are ones the schema declares. The
default run tries `FUZZ_EXAMPLES` cases per test (100); `make fuzz` tries many more.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from requests.structures import CaseInsensitiveDict
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ensure_resource_availability,
    response_schema_conformance,
    status_code_conformance,
    use_after_free,
)

from harness.client import TodoClient
from harness.stack import Stack

SEED_CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "contracts" / "seed-openapi.yaml"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# After a create: the new task can be read; after a delete: it is gone for every operation.
STATEFUL_CHECKS = [*CHECKS, ensure_resource_availability, use_after_free]
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def fuzz(stack: Stack, schema: schemathesis.BaseSchema, mode: GenerationMode, user: str) -> None:
    """Send generated cases for every operation as `user` (valid token, own path)."""
    strategy = schema.as_strategy(
        generation_mode=mode,
        path_parameters={"user_id": user},
        headers={"Authorization": f"Bearer {stack.token(user)}"},
    )

    @FUZZ_SETTINGS
    @given(case=strategy)
    def run(case: schemathesis.Case[Any]) -> None:
        response = case.call(base_url=stack.url, timeout=30)
        case.validate_response(response, checks=CHECKS)

    run()


@pytest.fixture(scope="module")
def own_schema(stack: Stack) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{stack.url}/openapi.json", timeout=10)


@pytest.fixture(scope="module")
def seed_contract() -> schemathesis.BaseSchema:
    if not SEED_CONTRACT.exists():
        pytest.skip(f"the frontend's contract is not beside the project ({SEED_CONTRACT})")
    return schemathesis.openapi.from_path(SEED_CONTRACT)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_own_schema_holds_for_generated_requests(
    stack: Stack, own_schema: schemathesis.BaseSchema, user_id: str, mode: GenerationMode
) -> None:
    stack.client(user_id).create("a task the fuzzer can find")
    fuzz(stack, own_schema, mode, user_id)


def test_frontend_contract_holds_for_generated_requests(
    stack: Stack, seed_contract: schemathesis.BaseSchema, user_id: str
) -> None:
    stack.client(user_id).create("a task the fuzzer can find")
    fuzz(stack, seed_contract, GenerationMode.POSITIVE, user_id)


def test_own_schema_holds_across_linked_calls(stack: Stack, user_id: str) -> None:
    """Stateful: create → read/update/toggle/delete the created task, by inferred links.

    Each scenario is a new user, so it starts from an empty list: links draw from responses,
    and Hypothesis needs a replay to meet the same state (else `FlakyStrategyDefinition`).
    """
    schema = schemathesis.openapi.from_url(f"{stack.url}/openapi.json", timeout=10)
    scenarios = itertools.count()

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            self.user = f"{user_id}-{next(scenarios)}"
            self.token = stack.token(self.user)

        def before_call(self, case: schemathesis.Case[Any]) -> None:
            case.path_parameters = {**(case.path_parameters or {}), "user_id": self.user}
            authorized = {**case.headers, "Authorization": f"Bearer {self.token}"}
            case.headers = CaseInsensitiveDict(authorized)

        def get_call_kwargs(self, case: schemathesis.Case[Any]) -> dict[str, object]:
            return {"base_url": stack.url, "timeout": 30}

        def validate_response(
            self,
            response: schemathesis.Response,
            case: schemathesis.Case[Any],
            *_: object,
            **kwargs: Any,
        ) -> None:
            case.validate_response(
                response,
                checks=STATEFUL_CHECKS,
                transport_kwargs=kwargs or None,
                recorder=getattr(self, "recorder", None),
            )

    Workflow.run(
        settings=settings(
            FUZZ_SETTINGS, max_examples=max(EXAMPLES // 5, 10), stateful_step_count=10
        )
    )


@pytest.mark.parametrize("offset", [2**31, 2**63, 10**30])
def test_offset_beyond_bigint_is_422_not_500(client: TodoClient, offset: int) -> None:
    """Found by the fuzzer: PostgreSQL's OFFSET is a bigint; larger values were a 500."""
    assert client.list(offset=offset).status_code == 422
