"""The OGC API's own OpenAPI 3.0 document, served at /ogc/api.

GIS clients read it, not /openapi.json: QGIS and the Esri client take the page size only from
components.parameters.limit, and QGIS finds a collection's server-side filters only on a path
/collections/<id>/items whose query parameters say style form, explode false and a plain schema
type. FastAPI writes OpenAPI 3.1; the OGC conformance class oas30 asks for 3.0, so the few 3.1
spellings FastAPI and pydantic use are rewritten (nullable, const, tuples, exclusive bounds).
"""
from collections.abc import Sequence
from typing import Any

from fastapi.openapi.utils import get_openapi
from starlette.routing import BaseRoute

from app.errors import STATUS_DESCRIPTIONS, ErrorBody
from app.ogc.params import DEFAULT_LIMIT, MAX_LIMIT

LIMIT_PARAMETER = {
    "name": "limit", "in": "query", "required": False, "style": "form", "explode": False,
    "description": f"Features per page (default {DEFAULT_LIMIT}); more than {MAX_LIMIT} is read as {MAX_LIMIT}",
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
}
LIMIT_REF = {"$ref": "#/components/parameters/limit"}
INVALID_PARAMETER = "Invalid or unknown parameter (the body names it)"
ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
# bbox as OGC 17-069r4 writes it: a comma-separated array (style form, explode false).
BBOX_SCHEMA = {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}


def ogc_openapi(routes: Sequence[BaseRoute], *, title: str, description: str, version: str, prefix: str) -> dict:
    document = get_openapi(title=title, description=description, version=version, routes=routes,
                           openapi_version="3.0.3", servers=[{"url": prefix}])
    document["paths"] = {path.removeprefix(prefix) or "/": item for path, item in document["paths"].items()}
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for path, item in document["paths"].items():
        for operation in item.values():
            operation["parameters"] = [_parameter(p, schemas) for p in operation.get("parameters", [])]
            operation["responses"] = _responses(operation["responses"], rate_limited=path != "/")
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["ErrorBody"] = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(schemas["ErrorBody"].pop("$defs", {}))
    document["components"]["parameters"] = {"limit": LIMIT_PARAMETER}
    return _to_oas30(document)


def _responses(responses: dict, *, rate_limited: bool) -> dict:
    """Invalid parameters are 400 here (FastAPI documents 422), any request may meet a busy service
    (503) or the rate limit (429), and every error is the one JSON error body, also on operations whose
    features are GeoJSON."""
    responses = dict(responses)
    responses.pop("422", None)
    for status in (400, 503) + ((429,) if rate_limited else ()):
        responses.setdefault(str(status), {"description": STATUS_DESCRIPTIONS[status]})
    for status, response in responses.items():
        if int(status) >= 400:
            description = INVALID_PARAMETER if status == "400" else response["description"]
            responses[status] = {"description": description, "content": ERROR_CONTENT}
    return responses


def _parameter(parameter: dict, schemas: dict) -> dict:
    if parameter["in"] != "query":
        return parameter
    if parameter["name"] == "limit":
        return LIMIT_REF
    schema = BBOX_SCHEMA if parameter["name"] == "bbox" else _plain(parameter["schema"], schemas)
    return {**parameter, "style": "form", "explode": False, "schema": schema}


def _plain(schema: dict, schemas: dict) -> dict:
    """A query parameter's schema with a plain `type`: optional unwrapped, enums inlined."""
    options = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    chosen = dict(options[0]) if len(options) == 1 else dict(schema)
    if "$ref" in chosen:
        chosen = dict(schemas[chosen.pop("$ref").rsplit("/", 1)[-1]])
    if "const" in chosen:
        chosen["enum"] = [chosen.pop("const")]
    chosen.setdefault("type", "string")
    extras = {k: v for k, v in schema.items() if k == "default"}
    return {k: v for k, v in (chosen | extras).items() if k != "title"}


def _to_oas30(node: Any) -> Any:
    if isinstance(node, list):
        return [_to_oas30(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _to_oas30(value) for key, value in node.items()}
    for key in ("anyOf", "oneOf"):
        if key in node and any(option == {"type": "null"} for option in node[key]):
            node = _nullable(node, key)
    if "const" in node:
        node["enum"] = [node.pop("const")]
    if "prefixItems" in node:
        items = node.pop("prefixItems")
        node |= {"items": items[0] if all(i == items[0] for i in items) else {"anyOf": items},
                 "minItems": node.get("minItems", len(items))}
    for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(node.get(bound), (int, float)) and not isinstance(node[bound], bool):
            node[plain], node[bound] = node[bound], True
    if isinstance(node.get("examples"), list) and "in" not in node:
        examples = node.pop("examples")
        if examples:
            node["example"] = examples[0]
    return node


def _nullable(node: dict, key: str) -> dict:
    options = [option for option in node.pop(key) if option != {"type": "null"}]
    if len(options) == 1 and "$ref" not in options[0]:
        return {**node, **options[0], "nullable": True}
    return {**node, ("allOf" if len(options) == 1 else key): options, "nullable": True}
