"""The API's OpenAPI schema, exercised by schemathesis (generated requests, against the ASGI app
over a seeded database): no server error, and every answer conforms to the schema."""

from __future__ import annotations

from foundation.settings import WebSection
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from storage.evidence.store import EvidenceStore
from tests.support.web_site import seed_dashboard

TOKEN = "jeton-operateur"


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    from reports.web.app import create_app
    from storage.db import open_database

    folder = tmp_path_factory.mktemp("api")
    db = open_database(f"sqlite:///{folder / 'veilleur.db'}")
    store = EvidenceStore(folder / "evidence")
    seed_dashboard(db, store)
    yield schemathesis.openapi.from_asgi("/openapi.json", create_app(db, store, web=WebSection(operator_token=TOKEN)))
    db.close()


def test_generated_requests_never_cause_a_server_error_and_answers_match_the_schema(api_schema):
    from hypothesis import given

    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.label for op in operations} >= {"GET /api/services", "GET /api/services/{service_id}", "GET /api/runs",
                                               "GET /api/findings", "GET /api/indicators", "GET /api/objectives",
                                               "GET /api/exports", "GET /api/proposals", "GET /api/incidents"}
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def exercise(case):
            # A date the schema allows but the API refuses (year 0022) is a 422, not a failure.
            case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"},
                                   excluded_checks=[positive_data_acceptance])

        exercise()
