"""Schemathesis against the application in-process: requests generated from the OpenAPI document for
every address find no server error, and every answer matches the document (status, content type,
headers, body). Valid and invalid input, random identifiers and real ones.

Two runs. The engine (what `schemathesis run` does) goes through every phase with every check the
installed schemathesis registers, named one by one: the coverage phase (boundary values, missing
parameters, methods the document does not list, which must answer 405 with an Allow header), the
fuzzing phase and the stateful phase along the document's links, which reach real identifiers.
Then Hypothesis drives each address directly with the real identifiers of the seeded data
(schemathesis's lazy pytest fixture does not run on pytest 9). Both use a fixed seed and a few
examples per address, so the run is repeatable and short.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks, max_response_time
from schemathesis.engine import events, from_schema

from tests.api.conftest import DEMO_AGENCY, DEMO_CASE

# pygal puts an import hook without find_spec on sys.meta_path; the standard library's optional
# imports that schemathesis reaches (multiprocessing's _winapi) then warn. Not ours to fix here.
pytestmark = pytest.mark.filterwarnings(r"ignore:PluginImportFixer\.find_spec\(\) not found:ImportWarning")
EXAMPLES = 15
RUN = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
               suppress_health_check=list(HealthCheck))
# Every check schemathesis 4 has, by name: a check added by an upgrade fails the test until it is
# named here, so none is left out silently. None is excluded; those that do not apply to a read-only
# API without authentication (use_after_free, ignored_auth, object_level_authorization,
# missing_required_header) run and pass because they find nothing to object to.
CHECK_NAMES = (
    "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_headers_conformance",
    "response_schema_conformance", "negative_data_rejection", "positive_data_acceptance",
    "missing_required_header", "unsupported_method", "allow_header_conformance", "use_after_free",
    "ensure_resource_availability", "ignored_auth", "object_level_authorization", "max_response_time",
)


def _checks() -> list[Any]:
    """The functions behind CHECK_NAMES (max_response_time is built in, not registered)."""
    load_all_checks()
    return [max_response_time if name == "max_response_time" else CHECKS.get_one(name) for name in CHECK_NAMES]


def _drive(operation: Any, mode: GenerationMode, path_parameters: dict[str, str] | None = None) -> None:
    @RUN
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    def check(case: Any) -> None:
        case.call_and_validate(checks=_checks())

    check()


def test_every_answer_conforms_to_the_document(app, seeded):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    real = {"slug": DEMO_CASE, "code": DEMO_AGENCY, "tracking_number": seeded.tracking_number,
            "workshop_id": str(seeded.workshop_id)}
    # The reads; the writes are driven with a token in tests/write_api/test_schemathesis.py.
    operations = [result.ok() for result in schema.include(method="GET").get_all_operations()]
    assert len(operations) >= 22  # schemathesis leaves out the document's own address
    for operation in operations:
        _drive(operation, GenerationMode.POSITIVE)
        if len(operation.query) + len(operation.path_parameters):
            # Only parameters with a type, pattern or range can be got wrong.
            _drive(operation, GenerationMode.NEGATIVE)
        names = {parameter.name for parameter in operation.path_parameters}
        if names:
            _drive(operation, GenerationMode.POSITIVE, {name: real[name] for name in names})


def _operations(document: dict[str, Any]) -> set[str]:
    return {f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item}


def test_every_check_passes_on_every_operation_in_every_phase(app, client):
    load_all_checks()
    assert set(CHECKS.get_all_names()) | {"max_response_time"} == set(CHECK_NAMES)
    document = client.get("/api/v1/openapi.json").get_json()
    # Loaded from the document rather than from its address, so that the document's own address is
    # tested too (schemathesis leaves out the address it loaded the document from).
    # The reads; the writes are driven with a token in tests/write_api/test_schemathesis.py.
    schema = schemathesis.openapi.from_dict(document).include(method="GET")
    schema.app = app
    schema.config.update(continue_on_failure=True)
    schema.config.checks.update(included_check_names=list(CHECK_NAMES), max_response_time=10.0)
    schema.config.generation.update(max_examples=EXAMPLES, deterministic=True)
    tested: set[str] = set()
    ran: set[str] = set()
    refused: set[str] = set()  # paths that answered a method the document does not list with 405 and Allow
    failures: list[str] = []
    for event in from_schema(schema).execute():
        if isinstance(event, events.FatalError | events.NonFatalError):
            failures.append(f"{type(event).__name__}: {event}")
        if not isinstance(event, events.ScenarioFinished):
            continue
        recorder = event.recorder
        tested |= {node.value.operation.label for node in recorder.cases.values()}
        for case_id, results in recorder.checks.items():
            ran |= {result.name for result in results}
            failures += [f"{event.phase.value} {recorder.label} {result.name}: {result.failure_info.failure.title}"
                         for result in results if result.failure_info is not None]
            interaction = recorder.interactions.get(case_id)
            operation = recorder.cases[case_id].value.operation
            if (interaction is not None and interaction.response is not None
                    and interaction.request.method != operation.method.upper()
                    and interaction.response.status_code == 405 and interaction.response.headers.get("allow")):
                refused.add(operation.path)
    assert not failures, "\n".join(sorted(set(failures)))
    assert tested == {operation for operation in _operations(document) if operation.startswith("GET ")}
    assert ran == set(CHECK_NAMES)
    assert refused == {path for path, item in document["paths"].items() if "get" in item}
