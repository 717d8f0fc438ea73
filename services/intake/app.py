"""The intake service's HTTP application: a composition root, like the console's window.

`create_app(engine, policies, ...)` gets the engine and the policies built once by the
caller (`console.py serve`) and builds what lives as long as the process: the grid index,
the address matcher, the attachment store, the feed hub for live pages and the webhook
pusher. Handlers only check the caller and the body's shape, call a use case and shape
the answer; every rule is decided in services.incidents and services.intake.access.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query, Request, Response
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    RedirectResponse,
    StreamingResponse,
)
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from services.errors import InvalidInput, NotAllowed
from services.incidents import attachments, cases, intake, queries, workflow
from services.incidents import field_work as field_tasks
from services.intake import access, feed, labels, limits, problems
from services.intake.hub import FeedHub
from services.intake.problems import Problem
from services.intake.webhooks import WebhookPusher
from services.policies import Policies
from services.store import models
from services.store.db import session_factory, transaction
from services.territory.grid_index import GridIndex

log = logging.getLogger("services.intake")
STATIC = Path(__file__).resolve().parent / "static"
COOKIE = "sgcc_session"
CST = timezone(timedelta(hours=8))
API = "/api/v1"
HEARTBEAT_S = 15.0


@dataclass
class Runtime:
    """What the process builds once and every handler shares."""

    engine: Engine
    factory: sessionmaker[Session]
    policies: Policies
    grids: GridIndex
    store: attachments.AttachmentStore
    addresses: intake.AddressLocator | None
    hub: FeedHub | None
    webhooks: WebhookPusher | None
    limiter: limits.RateLimiter = field(default_factory=limits.RateLimiter)
    grid_refresh_s: float = 30.0


# --------------------------------------------------------------------------- bodies


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class IncidentIn(_Body):
    """A report. Its place: `grid_code`, or `lon` and `lat`, or only an `address` text."""

    channel: Literal["field_app", "citizen_app", "hotline", "video_alert", "sensor_alert"]
    category: str = Field(min_length=1, max_length=24, description="see GET /api/v1/vocabulary")
    description: str = Field(min_length=1, max_length=4000)
    priority: int = Field(3, ge=1, le=4, description="1 urgent … 4 low")
    reporter: str = Field("", max_length=64)
    external_id: str | None = Field(None, max_length=64, description="the sender's own id; "
                                    "the same id twice returns the first case")  # fmt: skip
    grid_code: str | None = Field(None, max_length=24)
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    address: str = Field("", max_length=200)
    reported_at: datetime | None = Field(None, description="ISO 8601; without an offset: CST")


class SessionIn(_Body):
    login: str = Field(min_length=1, max_length=32)
    password: str = Field(min_length=1, max_length=256)


class ActionIn(_Body):
    action: str = Field(min_length=1, max_length=24)
    version: int = Field(ge=1, description="the case's version you saw (optimistic lock)")
    note: str = Field("", max_length=2000)
    target_kind: Literal["department", "center"] | None = None
    target_id: int | None = None
    evaluation: str | None = Field(None, max_length=16)


class NoteIn(_Body):
    text: str = Field(min_length=1, max_length=2000)


# --------------------------------------------------------------------------- shaping


def _iso(t: datetime | None) -> str | None:
    return t.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z") if t else None


def _utc(t: datetime | None) -> datetime | None:
    if t is None:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=CST)
    return t.astimezone(UTC).replace(tzinfo=None)


def _row_json(r: cases.IncidentRow) -> dict[str, Any]:
    return {
        "id": r.id, "category": r.category, "channel": r.channel, "priority": r.priority,
        "status": r.status, "kind": r.kind, "township_code": r.township_code,
        "description": r.description, "address": r.address, "reported_at": _iso(r.reported_at),
        "ack_deadline": _iso(r.ack_deadline), "resolve_deadline": _iso(r.resolve_deadline),
        "supervised": r.supervised, "overdue": r.overdue, "version": r.version,
        "lon": r.lon, "lat": r.lat,
    }  # fmt: skip


def _att_json(incident_id: int, a: attachments.AttachmentRow) -> dict[str, Any]:
    return {"id": a.id, "media_type": a.media_type, "size": a.size, "width": a.width,
            "height": a.height, "filename": a.filename, "sha256": a.sha256,
            "uploaded_at": _iso(a.uploaded_at), "uploaded_by": a.uploaded_by,
            "url": f"{API}/incidents/{incident_id}/attachments/{a.id}"}  # fmt: skip


def _detail_json(
    d: cases.IncidentDetail, info: intake.IntakeInfo | None,
    atts: tuple[attachments.AttachmentRow, ...],
) -> dict[str, Any]:  # fmt: skip
    out = _row_json(d.row)
    out.update(
        reporter=d.reporter, handling_center=d.handling_center,
        handling_department=d.handling_department, grid_code=d.grid_code,
        evaluation=d.evaluation, allowed=list(d.allowed),
        timeline=[{"at": _iso(e.at), "action": e.action, "from_status": e.from_status,
                   "to_status": e.to_status, "actor": e.actor, "note": e.note,
                   "target": e.target} for e in d.events],
        attachments=[_att_json(d.row.id, a) for a in atts],
        intake=None if info is None else {
            "source": info.source, "external_id": info.external_id, "caller": info.caller,
            "located_by": info.located_by, "address_text": info.address_text,
            "address_match": None if info.match_status is None else {
                "status": info.match_status, "code": info.match_code,
                "names": info.match_names, "confidence": info.match_confidence,
                "reason": info.match_reason},
            "received_at": _iso(info.received_at)},
    )  # fmt: skip
    return out


def _account_json(c: access.Caller) -> dict[str, Any]:
    a = c.actor
    return {"login": a.login, "name": a.name, "role": a.role, "kind": c.kind,
            "center_id": a.center_id, "region_code": a.region_code,
            "region_level": a.region_level, "channels": list(c.channels)}  # fmt: skip


# --------------------------------------------------------------------------- the app


def create_app(
    engine: Engine,
    policies: Policies,
    *,
    data_dir: Path,
    addresses: intake.AddressLocator | None = None,
    live: bool = True,
    grids: GridIndex | None = None,
    wake_url: str | None = None,
) -> FastAPI:
    """The intake service on this engine. `live=False` leaves out the feed hub and the
    webhook pusher (an in-process test client needs neither). `wake_url`: the primary
    itself for the feed's LISTEN when `engine` goes through PgBouncer."""
    rt = Runtime(
        engine=engine, factory=session_factory(engine), policies=policies,
        grids=grids or GridIndex(engine),
        store=attachments.AttachmentStore(data_dir / "attachments"), addresses=addresses,
        hub=FeedHub(engine, wake_url=wake_url) if live else None, webhooks=WebhookPusher(engine) if live else None,
    )  # fmt: skip

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if rt.hub is not None:
            rt.hub.start()
        if rt.webhooks is not None:
            rt.webhooks.start()
        refresher = asyncio.create_task(_refresh_grids(rt))
        try:
            yield
        finally:
            refresher.cancel()
            if rt.hub is not None:
                rt.hub.stop()
            if rt.webhooks is not None:
                rt.webhooks.stop()

    app = FastAPI(
        title="社会治理综合指挥中心 · intake service",
        version="1.0",
        description="Reports in from other systems and grid workers; case state and changes "
        "back out. Authenticate with `Authorization: Bearer <API key or session token>`.",
        openapi_url=f"{API}/openapi.json", docs_url=None, redoc_url=None, lifespan=lifespan,
    )  # fmt: skip
    app.state.runtime = rt
    problems.install(app)
    app.add_middleware(limits.BodyLimit, limit_for=_body_limit)
    _routes(app, rt)
    app.mount(f"{API}/docs/assets", StaticFiles(directory=_swagger_dir()), name="docs-assets")
    app.mount("/field", StaticFiles(directory=STATIC / "field", html=True), name="field")
    return app


def _body_limit(path: str) -> int:
    if path.endswith("/attachments"):
        return attachments.MAX_BYTES + 64 * 1024
    return limits.JSON_LIMIT


def _swagger_dir() -> str:
    """Swagger UI 5 as files of the installed fastapi-offline package (4.x, e.g. the
    swagger-ui-bundle package, cannot read the OpenAPI 3.1 document FastAPI writes)."""
    import importlib.util

    spec = importlib.util.find_spec("fastapi_offline")
    assert spec is not None and spec.origin is not None, "fastapi-offline is not installed"
    return str((Path(spec.origin).parent / "static").resolve())


async def _refresh_grids(rt: Runtime) -> None:
    while True:
        await asyncio.sleep(rt.grid_refresh_s)
        try:
            if await asyncio.to_thread(rt.grids.refresh_if_changed):
                log.info("grid index rebuilt: %d cells", len(rt.grids))
        except Exception:  # noqa: BLE001 - database away: keep the index we have
            log.warning("grid index refresh failed", exc_info=True)


def _token(request: Request) -> tuple[str | None, bool]:
    """The token sent, and whether it came in the page's cookie (not a header)."""
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip(), False
    key = request.headers.get("x-api-key")
    if key:
        return key.strip(), False
    return request.cookies.get(COOKIE), True


def _caller(request: Request) -> access.Caller:
    """The authenticated caller of a request (401 problem otherwise), rate-limited."""
    rt: Runtime = request.app.state.runtime
    token, by_cookie = _token(request)
    if not token:
        raise Problem(401, "no_token", "send an API key or session token as "
                      "`Authorization: Bearer …`", {"WWW-Authenticate": "Bearer"})  # fmt: skip
    with rt.factory() as session:
        who = access.caller_for_token(session, token)
    wait = rt.limiter.take(f"{who.kind}:{who.key_id or who.session_id}", who.rate_per_s)
    if wait > 0:
        raise Problem(429, "rate_limited", f"more than {who.rate_per_s:g} requests a second "
                      "for this key", {"Retry-After": str(max(1, round(wait + 0.5)))})  # fmt: skip
    if by_cookie and request.method not in ("GET", "HEAD"):
        # A cookie-signed write must come from our own page (SameSite plus this header).
        if request.headers.get("x-requested-with") != "sgcc-field":
            raise Problem(403, "csrf", "a write signed by the session cookie needs the "
                          "X-Requested-With header of the field page")  # fmt: skip
    return who


Who = Annotated[access.Caller, Depends(_caller)]


def _routes(app: FastAPI, rt: Runtime) -> None:  # noqa: C901 - one place lists every route
    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/field/")

    @app.get(f"{API}/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(DOCS_PAGE)

    @app.get(f"{API}/docs/init.js", include_in_schema=False)
    def docs_init() -> Response:
        return Response(DOCS_INIT, media_type="text/javascript")

    @app.get(f"{API}/health", tags=["service"])
    def health() -> dict[str, Any]:
        """Is the service up, and does the database answer?"""
        with rt.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"ok": True, "grid_cells": len(rt.grids)}

    @app.get(f"{API}/vocabulary", tags=["service"])
    def vocab() -> dict[str, Any]:
        """Categories, channels, statuses, priorities and actions with their Chinese labels."""
        return labels.vocabulary_json()

    # ----------------------------------------------------------------- sessions

    @app.post(f"{API}/session", tags=["accounts"], status_code=201)
    def sign_in(body: SessionIn, response: Response) -> dict[str, Any]:
        """Sign in with a console account (a grid worker on the field page); the token is
        returned once and set as an HttpOnly cookie for the page."""
        with transaction(rt.factory) as session:
            token, actor, expires = access.sign_in(session, body.login, body.password,
                                                   policy=rt.policies.accounts)
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/",
                            max_age=int((expires - models.utcnow()).total_seconds()))  # fmt: skip
        return {"token": token, "expires_at": _iso(expires),
                "account": {"login": actor.login, "name": actor.name, "role": actor.role,
                            "region_code": actor.region_code}}  # fmt: skip

    @app.delete(f"{API}/session", tags=["accounts"], status_code=204)
    def sign_out(who: Who, response: Response) -> Response:
        with transaction(rt.factory) as session:
            access.sign_out(session, who)
        response.delete_cookie(COOKIE, path="/")
        response.status_code = 204
        return response

    @app.get(f"{API}/me", tags=["accounts"])
    def me(who: Who) -> dict[str, Any]:
        """Who this key or session is, its region and the channels it may file."""
        with rt.factory() as session:
            center = session.get(models.CommandCenter, who.actor.center_id or 0)
        return {**_account_json(who), "center": center.name if center else ""}

    # ----------------------------------------------------------------- intake

    @app.post(f"{API}/incidents", tags=["incidents"], status_code=201,
              responses={200: {"description": "the same report was filed before"}})  # fmt: skip
    def file_incident(body: IncidentIn, who: Who, response: Response) -> dict[str, Any]:
        """File a report from any channel. Place it by `grid_code`, by `lon`/`lat` (the grid
        cell containing the point) or by an `address` text matched against the register."""
        if body.channel not in who.channels:
            raise Problem(403, "channel_not_allowed", f"this key may file only by "
                          f"{', '.join(who.channels)}")  # fmt: skip
        filed = intake.file_report(
            rt.factory, who.actor,
            intake.IntakeReport(
                channel=body.channel, category=body.category, description=body.description,
                priority=body.priority, reporter=body.reporter, external_id=body.external_id,
                grid_code=body.grid_code, lon=body.lon, lat=body.lat, address=body.address,
                reported_at=_utc(body.reported_at),
            ),
            grids=rt.grids, addresses=rt.addresses, policy=rt.policies.incidents,
        )  # fmt: skip
        if not filed.created:
            response.status_code = 200
        response.headers["Location"] = f"{API}/incidents/{filed.incident_id}"
        return {"id": filed.incident_id, "created": filed.created,
                "url": f"{API}/incidents/{filed.incident_id}"}  # fmt: skip

    @app.get(f"{API}/incidents/{{incident_id}}", tags=["incidents"])
    def get_incident(incident_id: int, who: Who) -> dict[str, Any]:
        """The case as this caller sees it: status, timeline, photos, how it came in, and
        the actions this caller may take now."""
        with rt.factory() as session:
            d = queries.detail(session, who.actor, incident_id)
            info = intake.intake_info(session, who.actor, incident_id)
            atts = attachments.list_attachments(session, who.actor, incident_id)
        return _detail_json(d, info, atts)

    @app.post(f"{API}/incidents/{{incident_id}}/actions", tags=["incidents"])
    def act(incident_id: int, body: ActionIn, who: Who) -> dict[str, Any]:
        """Take a lifecycle action (`allowed` of the case lists which); `version` is the one
        you saw: if the case changed since, 409 and nothing is written."""
        params: dict[str, Any] = {}
        if body.target_kind is not None:
            params.update(target_kind=body.target_kind, target_id=body.target_id)
        if body.evaluation is not None:
            params["evaluation"] = body.evaluation
        workflow.perform(rt.factory, who.actor, incident_id, body.version, body.action,
                         body.note, policy=rt.policies.incidents, **params)  # fmt: skip
        return get_incident(incident_id, who)

    @app.post(f"{API}/incidents/{{incident_id}}/notes", tags=["incidents"], status_code=201)
    def add_note(incident_id: int, body: NoteIn, who: Who) -> dict[str, Any]:
        """A progress note (处置进展) on an open case; the status stays."""
        with transaction(rt.factory) as session:
            workflow.note(session, who.actor, incident_id, body.text)
        return get_incident(incident_id, who)

    @app.post(f"{API}/incidents/{{incident_id}}/attachments", tags=["attachments"],
              status_code=201, responses={200: {"description": "this photo was attached before"}},
              openapi_extra={"requestBody": {"content": {
                  "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                  "multipart/form-data": {"schema": {"type": "object", "properties": {
                      "file": {"type": "string", "format": "binary"},
                      "note": {"type": "string"}}}}}}})  # fmt: skip
    async def add_attachment(incident_id: int, request: Request, who: Who,
                             response: Response, filename: str = "", note: str = "") -> dict[str, Any]:  # fmt: skip
        """Attach a photo: a JPEG, PNG or WebP (checked by its bytes) of at most 10 MB, as the
        raw body (`?filename=`) or as the `file` field of a multipart form."""
        ctype = request.headers.get("content-type", "")
        if ctype.startswith("multipart/form-data"):
            form = await request.form(max_files=1, max_fields=5)
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise Problem(422, "no_file", "the form has no `file` field")
            data = await upload.read()
            filename = upload.filename or filename
            field_note = form.get("note")
            note = field_note if isinstance(field_note, str) and field_note else note
        else:
            data = await request.body()
        row, created = await asyncio.to_thread(
            attachments.attach, rt.factory, who.actor, incident_id, data, filename, rt.store,
            note=note[:500],
        )  # fmt: skip
        if not created:
            response.status_code = 200
        return _att_json(incident_id, row)

    @app.get(f"{API}/incidents/{{incident_id}}/attachments", tags=["attachments"])
    def list_attachments(incident_id: int, who: Who) -> list[dict[str, Any]]:
        with rt.factory() as session:
            rows = attachments.list_attachments(session, who.actor, incident_id)
        return [_att_json(incident_id, a) for a in rows]

    @app.get(f"{API}/incidents/{{incident_id}}/attachments/{{attachment_id}}",
             tags=["attachments"], response_class=FileResponse)  # fmt: skip
    def get_attachment(incident_id: int, attachment_id: int, who: Who) -> FileResponse:
        """The photo's bytes, for a caller allowed to see the case."""
        with rt.factory() as session:
            row, path = attachments.open_attachment(session, who.actor, incident_id,
                                                    attachment_id, rt.store)  # fmt: skip
        return FileResponse(path, media_type=row.media_type, headers={
            "X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=86400",
            "Content-Security-Policy": "default-src 'none'"})  # fmt: skip

    # ----------------------------------------------------------------- the way back

    @app.get(f"{API}/changes", tags=["changes"])
    def changes(who: Who, after: Annotated[int, Query(ge=0)] = 0,
                limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> dict[str, Any]:  # fmt: skip
        """Changes of the cases in this caller's jurisdiction with seq > `after`, in order;
        pass `next` as `after` to go on (it never skips or repeats a change)."""
        page = feed.changes_for(rt.engine, who.actor, after, limit)
        return {"changes": [feed.as_json(c) for c in page.changes], "next": page.next_after,
                "more": page.more}  # fmt: skip

    # ----------------------------------------------------------------- field client

    @app.get(f"{API}/tasks", tags=["field"])
    def tasks(who: Who) -> dict[str, Any]:
        """The caller's tasks: open cases its center handles that it may act on now."""
        with rt.factory() as session:
            rows = field_tasks.tasks(session, who.actor)
        return {"tasks": [{**_row_json(t.row), "grid_code": t.grid_code,
                           "allowed": list(t.allowed)} for t in rows]}  # fmt: skip

    @app.get(f"{API}/tasks/stream", tags=["field"])
    async def task_stream(who: Who, request: Request) -> StreamingResponse:
        """Server-sent events: `changed` whenever a case in the caller's jurisdiction changes
        (the page then re-reads its tasks); a comment every 15 s keeps proxies awake."""
        if rt.hub is None:
            raise Problem(503, "no_live_feed", "this server runs without the live feed")
        hub = rt.hub

        async def events() -> AsyncIterator[bytes]:
            listener = hub.listen()
            try:
                yield f"event: hello\ndata: {json.dumps({'seq': hub.position})}\n\n".encode()
                while not await request.is_disconnected():
                    try:
                        batch = await asyncio.wait_for(listener.queue.get(), HEARTBEAT_S)
                    except TimeoutError:
                        yield b": keep-alive\n\n"
                        continue
                    ids = [i for i, codes in batch.cases.items() if feed.sees(who.actor, codes)]
                    if ids:
                        data = json.dumps({"seq": batch.seq, "incidents": ids})
                        yield f"event: changed\ndata: {data}\n\n".encode()
            finally:
                hub.leave(listener)

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})  # fmt: skip

    @app.get(f"{API}/grids", tags=["field"])
    def grids(who: Who, lon: float | None = None, lat: float | None = None) -> dict[str, Any]:
        """With lon/lat: the grid cell at that point. Without: the cells of the caller's
        township (at most 500), to pick one from."""
        g = models.GridCell
        if lon is not None and lat is not None:
            hit = rt.grids.locate(lon, lat)
            if not feed.sees(who.actor, _codes_of_grid(rt, hit.grid_id)):
                raise NotAllowed("that point lies outside your jurisdiction", code="outside_grid")
            return {"cells": [{"code": hit.code, "township_code": hit.township_code}]}
        col = {"province": g.province_code, "city": g.city_code, "county": g.county_code,
               "township": g.township_code}.get(who.actor.region_level)  # fmt: skip
        if col is None:
            raise InvalidInput("this account has no region", code="no_region")
        with rt.factory() as session:
            rows = session.execute(
                select(g.code, g.township_code, g.lon, g.lat).where(col == who.actor.region_code)
                .order_by(g.code).limit(500)
            ).all()  # fmt: skip
        return {"cells": [{"code": r.code, "township_code": r.township_code, "lon": r.lon,
                           "lat": r.lat} for r in rows]}  # fmt: skip


def _codes_of_grid(rt: Runtime, grid_id: int) -> feed.Codes:
    g = models.GridCell
    with rt.factory() as session:
        r = session.execute(
            select(g.province_code, g.city_code, g.county_code, g.township_code).where(g.id == grid_id)
        ).one()
    return (r[0], r[1], r[2], r[3])


DOCS_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>社会治理综合指挥中心 · intake API</title>
<link rel="stylesheet" href="/api/v1/docs/assets/swagger-ui.css">
<link rel="icon" href="/api/v1/docs/assets/favicon.png">
</head><body><div id="swagger-ui"></div>
<script src="/api/v1/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/v1/docs/init.js"></script>
</body></html>
"""


DOCS_INIT = """window.ui = SwaggerUIBundle({url: "/api/v1/openapi.json", dom_id: "#swagger-ui",
  deepLinking: true, validatorUrl: null, presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout"});
"""
