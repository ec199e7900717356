"""HTTP pieces shared by the routes: the GeoJSON response class, paging parameters, and the screening
of JSON bodies for text that no field of ours can hold."""
import json
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import JSONResponse

from app.errors import InvalidParameter

MAX_OFFSET = 1_000_000  # far beyond any list we hold; keeps offsets inside PostgreSQL's bigint

Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip (paging)")]


class GeoJSONResponse(JSONResponse):
    media_type = "application/geo+json"


# What has_control_characters refuses, as a JSON Schema (ECMA-262) pattern for the OpenAPI document.
TEXT_PATTERN = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$"


def has_control_characters(text: str) -> bool:
    """NUL (which PostgreSQL cannot store), other C0 controls but tab and newlines, DEL, and lone
    UTF-16 surrogates (JSON can carry them; UTF-8 cannot)."""
    return any((ord(ch) < 32 and ch not in "\t\n\r") or ord(ch) == 0x7F or 0xD800 <= ord(ch) <= 0xDFFF
               for ch in text)


def field_with_control_characters(document: Any, path: str = "") -> str | None:
    """The dotted path of the first string (key or value) in a JSON document with control characters."""
    if isinstance(document, str):
        return (path or "body") if has_control_characters(document) else None
    if isinstance(document, dict):
        items = document.items()
    elif isinstance(document, list):
        items = enumerate(document)
    else:
        return None
    for key, value in items:
        here = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and has_control_characters(key):
            return path or "body"
        if (found := field_with_control_characters(value, here)) is not None:
            return found
    return None


async def screen_json_body(request: Request) -> None:
    """An app-wide dependency: a JSON body holding control characters is a 422 naming the field,
    before any handler or the database sees it."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    if "json" not in request.headers.get("content-type", ""):
        return
    body = await request.body()
    try:
        document = json.loads(body) if body else None
    except ValueError:
        return  # malformed JSON: FastAPI itself answers 422
    field = field_with_control_characters(document)
    if field is not None:
        raise InvalidParameter(f"{field}: control characters are not allowed", field=field)
