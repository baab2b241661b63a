"""Schemathesis against the API's own OpenAPI schema: generated requests never get a 5xx.

Bounded: a few examples per operation (derandomised, so CI runs the same cases), against
the app in-process on the embedded default warehouse (opened on the first request, so in
the tests' isolated cache). The report is left out here (each valid case builds a whole
report, seconds of CPU; a PDF starts a browser); its inputs are covered by
tests/test_api_contract.py.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from straits.api.app import create_app

#: Examples per operation (STRAITS_FUZZ_EXAMPLES=40 for a longer local run).
EXAMPLES = int(os.environ.get("STRAITS_FUZZ_EXAMPLES", "6"))
APP = create_app(hosts=["testserver"])
SCHEMA = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)
OPERATIONS = [r.ok() for r in SCHEMA.get_all_operations() if r.ok().path != "/api/v1/report"]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.path.rsplit("/", 1)[-1])
def test_no_server_error(session, operation):
    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        response = case.call()
        assert response.status_code < 500, (case.path, case.query, response.text[:300])
        if response.status_code >= 400:
            assert response.json()["detail"]

    check()
