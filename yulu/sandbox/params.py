"""Read Bot API parameters from query, urlencoded, multipart or JSON bodies."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web


class ApiError(Exception):
    """A Bot API error response: {"ok": false, "error_code": N, "description": ...}."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        """Return the JSON body Telegram would send."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    """Return a 400 error worded like Telegram's."""
    return ApiError(400, f"Bad Request: {detail}")


class Params:
    """Typed access to call parameters; form values arrive as strings, JSON values as-is."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = dict(data)

    def has(self, name: str) -> bool:
        """Tell whether the parameter was given and is not empty."""
        return self._data.get(name) not in (None, "")

    def get_str(self, name: str) -> str | None:
        """Return a string parameter."""
        value = self._data.get(name)
        return None if value is None else str(value)

    def get_int(self, name: str) -> int | None:
        """Return an integer parameter, 400 if it is not one."""
        value = self._data.get(name)
        if value in (None, ""):
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_float(self, name: str) -> float | None:
        """Return a number parameter, 400 if it is not one."""
        value = self._data.get(name)
        if value in (None, ""):
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_bool(self, name: str) -> bool:
        """Return a boolean parameter (true/false/1/0), False when absent."""
        value = self._data.get(name)
        if isinstance(value, str):
            return value.strip().lower() in {"true", "1", "yes"}
        return bool(value)

    def get_json(self, name: str) -> Any:
        """Return a complex parameter, decoding it when it arrived as a JSON string."""
        value = self._data.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None

    def chat_id(self) -> int | None:
        """Return chat_id; a non-numeric one (@channel) names no chat the sandbox knows."""
        value = self._data.get("chat_id")
        if value in (None, ""):
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None


async def read_params(request: web.Request) -> Params:
    """Merge query parameters with the body, whatever its content type."""
    data: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        data.update(await _json_body(request))
    elif request.method == "POST" and request.body_exists:
        form = await request.post()
        data.update({key: value for key, value in form.items() if isinstance(value, str)})
    return Params(data)


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise bad_request("can't parse JSON body") from None
    if not isinstance(body, dict):
        raise bad_request("JSON body must be an object")
    return body
