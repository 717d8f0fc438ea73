"""Errors as RFC 9457 problem details: type, title, status, detail, never a stack trace.

A use case's refusal (`services.errors.Refused`) keeps its stable code, which names the
problem type (`/problems/<code>`), and its plain message as `detail`; database outages
become 503 with Retry-After; anything unexpected is a bare 500 whose detail says only
that the error was logged.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException

from services.errors import (
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    NotFound,
    Refused,
    StaleState,
)
from services.store.db import DatabaseError

log = logging.getLogger("services.intake")
MEDIA_TYPE = "application/problem+json"

TITLES = {
    400: "Bad request", 401: "Not authenticated", 403: "Forbidden", 404: "Not found",
    405: "Method not allowed", 409: "Conflict", 413: "Content too large",
    415: "Unsupported media type", 422: "Unprocessable content", 429: "Too many requests",
    500: "Internal server error", 503: "Service unavailable",
}  # fmt: skip


class Problem(Exception):
    """Raise from a handler to answer with a problem document."""

    def __init__(self, status: int, code: str, detail: str, headers: dict[str, str] | None = None,
                 **extra: Any) -> None:  # fmt: skip
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail
        self.headers = headers or {}
        self.extra = extra


def problem(status: int, code: str, detail: str, headers: dict[str, str] | None = None,
            **extra: Any) -> JSONResponse:  # fmt: skip
    body = {"type": f"/problems/{code}", "title": TITLES.get(status, "Error"), "status": status,
            "detail": detail, "code": code, **extra}  # fmt: skip
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _status_of(exc: Refused) -> int:
    if isinstance(exc, NotAllowed):
        return 401 if exc.code == "bad_token" else 403
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, StaleState | InvalidTransition):
        return 409
    if isinstance(exc, InvalidInput):
        return 422
    return 400


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem document."""

    @app.exception_handler(Problem)
    async def _problem(_r: Request, exc: Problem) -> JSONResponse:
        return problem(exc.status, exc.code, exc.detail, exc.headers, **exc.extra)

    @app.exception_handler(Refused)
    async def _refused(_r: Request, exc: Refused) -> JSONResponse:
        status = _status_of(exc)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        params = {k: _plain(v) for k, v in exc.params.items()}
        return problem(status, exc.code, exc.message, headers, params=params)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_r: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            where = next(e for e in errors if e.get("type") == "json_invalid")
            ctx = where.get("ctx", {}).get("error", "")
            return problem(400, "malformed_json", f"the body is not valid JSON: {ctx}".strip(": "))
        fields = [
            {"field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"),
             "reason": str(e.get("msg", "")), "type": str(e.get("type", ""))}  # fmt: skip
            for e in errors
        ]
        detail = "; ".join(f"{f['field'] or 'body'}: {f['reason']}" for f in fields)
        return problem(422, "invalid_fields", detail, errors=fields)

    @app.exception_handler(HTTPException)
    async def _http(_r: Request, exc: HTTPException) -> JSONResponse:
        code = {404: "no_route", 405: "method"}.get(exc.status_code, "http")
        return problem(exc.status_code, code, str(exc.detail), dict(exc.headers or {}))

    @app.exception_handler(IntegrityError)
    async def _integrity(_r: Request, exc: IntegrityError) -> JSONResponse:
        log.warning("integrity error: %s", str(exc.orig).splitlines()[0] if exc.orig else exc)
        return problem(409, "conflict", "the request conflicts with data written at the same time;"
                       " send it again")  # fmt: skip

    @app.exception_handler(DataError)
    async def _data(_r: Request, exc: DataError) -> JSONResponse:
        return problem(422, "bad_value", "a value does not fit its field")

    async def _unavailable(_r: Request, exc: Exception) -> JSONResponse:
        log.warning("database unavailable: %s", str(exc).splitlines()[0] if str(exc) else type(exc))
        return problem(503, "database_unavailable", "the database is not reachable right now;"
                       " nothing was written, try again shortly", {"Retry-After": "5"})  # fmt: skip

    for kind in (OperationalError, DBAPIError, PoolTimeout, DatabaseError, ConnectionError):
        app.add_exception_handler(kind, _unavailable)

    @app.exception_handler(Exception)
    async def _crash(_r: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error", exc_info=exc)
        return problem(500, "internal", "an unexpected error was logged on the server")
