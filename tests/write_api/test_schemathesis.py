"""Schemathesis over every write address with a staff token, against the application in-process:
valid and invalid bodies, headers and identifiers, generated from the OpenAPI document, find no
server error, and every answer matches the document (status, content type, headers, body); a
success also refuses the same request without the token and with a wrong one.

Few examples per address with a fixed seed, so the run is repeatable and short.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks

from tests.write_api.conftest import add_risk_and_document, hold_workshop, make_token, open_item

pytestmark = pytest.mark.filterwarnings(r"ignore:PluginImportFixer\.find_spec\(\) not found:ImportWarning")
EXAMPLES = 3
RUN = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
               suppress_health_check=list(HealthCheck))
CHECK_NAMES = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
               "response_headers_conformance", "response_schema_conformance", "negative_data_rejection",
               "ignored_auth")


def _is_write(operation: Any) -> bool:
    return bool(operation.definition.raw.get("security"))


def _drive(operation: Any, mode: GenerationMode, headers: dict[str, str],
           path_parameters: dict[str, str] | None = None) -> None:
    load_all_checks()
    checks = [CHECKS.get_one(name) for name in CHECK_NAMES]

    @RUN
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    def check(case: Any) -> None:
        case.call_and_validate(checks=checks, headers=headers)

    check()


def test_every_write_answer_conforms_to_the_document(app, staff, citizen, published_case):
    risk_id, _document = add_risk_and_document(app, staff, published_case)
    real = {"slug": published_case, "part_id": str(risk_id), "workshop_id": str(hold_workshop(app, staff)),
            "tracking_number": open_item(app, citizen, published_case)}
    headers = {"Authorization": f"Bearer {make_token(app, staff)}", "Accept-Language": "zh-TW"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    writes = [operation for operation in operations if _is_write(operation)]
    assert len(writes) == 1 + 1 + 3 * 9 + 1 + 3  # me, the case, the parts, the answer, the workshops
    for operation in writes:
        # Real identifiers reach the bodies' checks and the changes; drawn ones would mostly find nothing (404).
        names = {parameter.name for parameter in operation.path_parameters}
        known = {name: real[name] for name in names} or None
        _drive(operation, GenerationMode.POSITIVE, headers, known)
        _drive(operation, GenerationMode.NEGATIVE, headers, known)
