"""Schemathesis against /api/openapi.json through WSGI: no 5xx, and every answer matches the spec (issue 11, 18).

Bounded and deterministic so it runs in the normal suite: a fixed number of examples per
operation and mode, derandomized, no deadline, no example database.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal.feedback import services as feedback_services

EXAMPLES = 30
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]


@pytest.fixture
def api_schema(app, db, make_unit):
    app.config.update(SEARCH_SYNC=True)  # the outbox is applied at commit, so searches find the feedback
    unit = make_unit(name="Dinas Kesehatan", slug="dinkes", services=("Imunisasi",))
    feedback_services.submit_feedback(unit=unit, type="keluhan", title="Antrean panjang",
                                      body="Antrean di puskesmas terlalu panjang.", is_public=True)
    db.session.commit()
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_answers_by_its_spec_and_never_5xx(api_schema, mode):
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case):
            case.call_and_validate(checks=CHECKS)

        try:
            run()
        except Unsatisfiable:
            pass  # nothing to make invalid: GET /v1/units takes no input
        except Exception as error:  # noqa: BLE001  (collect every operation's failure, then report them all)
            failures.append(f"{operation.label}: {error}")
    assert failures == [], "\n\n".join(failures)


def test_the_spec_documents_the_nul_refusal_on_every_operation(client):
    spec = client.get("/api/openapi.json").get_json()
    for path in spec["paths"].values():
        for operation in path.values():
            assert "400" in operation["responses"]
    assert spec["components"]["schemas"]["FeedbackIn"]["properties"]["title"]["pattern"] == r"^[^\u0000]*$"


@pytest.mark.parametrize("method, url", [("DELETE", "/api/v1/units"), ("PUT", "/api/v1/feedback"),
                                         ("POST", "/api/v1/search"), ("PATCH", "/api/v1/units/dinkes/ikm"),
                                         ("POST", "/masukan")])
def test_a_method_the_url_does_not_take_is_405_with_allow(client, method, url):
    response = client.open(url, method=method)
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"] or "POST" in response.headers["Allow"]


@pytest.mark.parametrize("query", [{"q": "antrean"}, {"q": "antrean", "sort": "newest"}, {"q": "antre*", "type": "feedback"}])
def test_search_hits_match_the_spec_with_dates_that_carry_an_offset(api_schema, query):
    case = api_schema["/v1/search"]["GET"].Case(query=query)
    response = case.call_and_validate(checks=CHECKS)
    results = response.json()["results"]
    assert results
    for item in results:
        assert item["date"].endswith("+00:00")
