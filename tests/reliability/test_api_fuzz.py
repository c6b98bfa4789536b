"""Schemathesis against the real servers' own OpenAPI documents: no 5xx, answers as documented."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 40  # per operation and mode: enough to find the usual holes, bounded in time


def fuzz(base_url: str) -> list[str]:
    """Run every operation of the server's schema; the failures found, as readable text."""
    schema = schemathesis.openapi.from_url(f"{base_url}/schema/openapi.json")
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case) -> None:
                response = case.call(base_url=base_url, timeout=10)
                case.validate_response(response, checks=CHECKS)

            try:
                run()
            except Unsatisfiable:
                continue  # nothing to make invalid (an operation without parameters)
            except BaseException as exc:  # schemathesis reports a group of failures
                if isinstance(exc, KeyboardInterrupt):
                    raise
                failures.append(
                    f"{operation.method.upper()} {operation.path} ({mode.value}): {exc}"
                )
    return failures


def test_fuzzing_the_kiosk_finds_nothing(start_kiosk, tmp_path):
    kiosk = start_kiosk(tmp_path / "kiosk", "--printer", "dummy:")
    assert fuzz(kiosk.url) == []


def test_fuzzing_central_finds_nothing(start_central):
    central = start_central()
    assert fuzz(central.url) == []
