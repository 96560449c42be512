"""schemathesis against the OpenAPI document: generated requests to every operation never get a 5xx."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from learnervoice.survey.webform import create_invites

from .conftest import Web, sign_in

pytestmark = pytest.mark.slow


def test_no_server_errors_on_generated_requests(web: Web) -> None:
    import schemathesis

    schema = schemathesis.openapi.from_asgi("/api/openapi.json", web.app)
    owner = web.client()
    csrf = sign_in(owner, web.slug, "owner")
    cookie = "; ".join(f"{k}={v}" for k, v in owner.cookies.items())
    store = web.app.state.sites[web.slug].store  # type: ignore[attr-defined]
    token = create_invites(store, 1)[0].token
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    for operation in operations:
        @settings(max_examples=int(os.environ.get("LEARNERVOICE_FUZZ_EXAMPLES", "30")), deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            if case.path_parameters is not None:
                case.path_parameters["slug"] = web.slug  # into the study, where the work is
                if "token" in case.path_parameters and len(case.path_parameters["token"]) % 2:
                    case.path_parameters["token"] = token  # half the time a real link
            if "logout" in case.path:
                return  # would end the session the other requests use
            response = case.call(headers={"Cookie": cookie, "X-CSRF-Token": csrf})
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}")

        check()
    assert failures == []
