"""The OpenAPI document: every status an operation can return, each error with the one error body.

Routes declare what is theirs (``responses=responses(404, 412)``); what the service does to every
request is added here once: 422 (any parameter, and any control character in any query, is
validated), 503 (admission control and the database), 429 (the API's rate limit), 413 (bodies) and
401 (a token, even an optional one, can be unknown). Free-text strings get the pattern that the
input screening enforces (app/http.py), so the document says what is accepted."""
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.errors import ERROR_CONTENT, ErrorBody, responses
from app.http import TEXT_PATTERN
from app.ops.middleware import UNLIMITED_PATHS


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_errors(get_openapi(
                title=app.title, version=app.version, summary=app.summary, description=app.description,
                routes=app.routes))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorBody"] = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(components["ErrorBody"].pop("$defs", {}))
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            _add_common_statuses(path, operation)
            for parameter in operation.get("parameters", []):
                _constrain_text(parameter.get("schema", {}))
    for component in components.values():
        _constrain_text(component)
    return schema


def _constrain_text(node: Any) -> None:
    """Give every free-text string schema (no pattern, enum or format of its own) the no-control pattern."""
    if isinstance(node, list):
        for item in node:
            _constrain_text(item)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "string" and not {"pattern", "enum", "format", "const"} & node.keys():
        node["pattern"] = TEXT_PATTERN
    for key in ("properties", "items", "anyOf", "oneOf", "allOf", "additionalProperties"):
        child = node.get(key)
        _constrain_text(list(child.values()) if key == "properties" and isinstance(child, dict) else child)


def _add_common_statuses(path: str, operation: dict[str, Any]) -> None:
    statuses = [422, 503]
    if path.startswith("/api/") and path not in UNLIMITED_PATHS:
        statuses.append(429)
    if "requestBody" in operation:
        statuses.append(413)
    if operation.get("security"):
        statuses.append(401)
    documented = operation.setdefault("responses", {})
    for status, entry in responses(*statuses).items():
        documented.setdefault(str(status), entry)
    documented["422"]["content"] = ERROR_CONTENT  # not FastAPI's own shape
