"""Limits in front of the handlers: the body size (refused before it is read) and a token
bucket per key or session."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

JSON_LIMIT = 256 * 1024


class BodyLimit:
    """ASGI middleware: a body over the limit of its path gets 413 before it is read (by
    Content-Length), or as soon as the streamed bytes pass the limit (chunked bodies)."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                declared = -1
            if declared < 0 or declared > limit:
                await _refuse(send, limit, declared)
                return
        seen = 0
        started = refused = False

        async def counted() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # Answer now and tell the app the client left: whatever it does next
                    # (FastAPI turns a failed read into 400) is not sent.
                    refused = True
                    if not started:
                        await _refuse(send, limit, seen)
                    return {"type": "http.disconnect"}
            return message

        async def watch(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watch)
        except Exception:
            if not refused:
                raise


async def _refuse(send: Send, limit: int, size: int) -> None:
    detail = (f"the body is larger than the {limit} bytes this endpoint takes"
              if size >= 0 else "the Content-Length header is not a number")  # fmt: skip
    body = json.dumps({"type": "/problems/body_too_large", "title": "Content too large",
                       "status": 413, "detail": detail, "code": "body_too_large",
                       "limit": limit}).encode()  # fmt: skip
    await send({"type": "http.response.start", "status": 413, "headers": [
        (b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close")]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


class RateLimiter:
    """A token bucket per caller: `rate` requests a second, bursts up to twice that."""

    def __init__(self) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, who: str, rate: float) -> float:
        """0 if the request may go now, else the seconds until it may."""
        burst = max(2.0 * rate, 1.0)
        now = time.monotonic()
        with self._lock:
            tokens, at = self._buckets.get(who, (burst, now))
            tokens = min(burst, tokens + (now - at) * rate)
            if tokens >= 1.0:
                self._buckets[who] = (tokens - 1.0, now)
                return 0.0
            self._buckets[who] = (tokens, now)
            return (1.0 - tokens) / rate
