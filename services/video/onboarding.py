"""Onboarding a center's cameras (雪亮工程 / 公共安全视频监控) with their GB/T 28181 ids.

A GB/T 28181 device id has 20 digits: the 8-digit center code (the region's 6-digit code +
2 digits of the base unit), 2 of industry, 3 of device type (131 camera, 132 IP camera, ...),
1 of network and a 6-digit serial. The import checks the form and that the first 6 digits
are the code of the camera's region (its county's for a township or community), so a
camera registered under another county's platform is caught. CSV or JSON Lines
(services.tabular), every bad row named, all or nothing; every row written is audited.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine, select

from services.accounts import Actor
from services.store import audit, models
from services.store.db import session_factory, transaction
from services.tabular import Column, Template, check, duplicates, load
from services.territory.onboarding import RegionInfo, Regions, grid_for, located, stream_url

DEVICE_ID = re.compile(r"\d{20}")
LOCAL_LEVELS = ("county", "township", "community")

CAMERAS = Template(
    "cameras",
    "public-safety cameras with their GB/T 28181 device ids and streams",
    (
        Column("device_id", "GB/T 28181 id: 20 digits, the first 6 the region's code (its county's)", True),
        Column("name", "name as on the point list, e.g. 东街街道1号监控", True),
        Column("region", "adcode of its county, township or community", True),
        Column("lon", "longitude", True),
        Column("lat", "latitude", True),
        Column("stream_url", "main stream: rtsp://, rtmp://, http(s):// (HLS/FLV) ...", True),
        Column("sub_stream_url", "sub stream for small tiles (default: the main stream)"),
        Column("grid", "grid cell code (default: the cell at its place, if any)"),
        Column("online", "yes (default) or no"),
    ),
    (
        {"device_id": "62070200001320000001", "name": "东街街道1号监控", "region": "620702001",
         "lon": "100.4510", "lat": "38.9310",
         "stream_url": "rtsp://10.62.7.20:554/Streaming/Channels/101",
         "sub_stream_url": "rtsp://10.62.7.20:554/Streaming/Channels/102"},
        {"device_id": "62070200001320000002", "name": "甘州区政府广场监控", "region": "620702",
         "lon": "100.4550", "lat": "38.9330", "stream_url": "http://10.62.7.21/live/2.flv"},
    ),
)  # fmt: skip

CAMERA_FIELDS = ("name", "device_id", "region_id", "grid_id", "county_code", "lon", "lat",
                 "stream_url", "sub_stream_url", "online")  # fmt: skip


def device_id_problem(device_id: str, region: RegionInfo | None, county: str) -> str | None:
    """Why a GB/T 28181 device id does not fit, or None."""
    if not DEVICE_ID.fullmatch(device_id):
        return f"{device_id!r} is not 20 digits (GB/T 28181)"
    if region is None:
        return None
    own = region.adcode[:6] if region.level != "county" else region.adcode
    if device_id[:6] not in (own, county):
        return (f"its center code {device_id[:8]} is not under region {region.adcode}: "
                f"the first 6 digits must be {own}")  # fmt: skip
    return None


def import_cameras(engine: Engine, actor: Actor, path: str) -> int:
    """Check every camera (device id, region, place, streams), then add all of them."""
    rows = load(path)
    cam = models.Camera
    with transaction(session_factory(engine)) as s:
        regions = Regions(s)
        known = {d for d in s.scalars(select(cam.device_id)) if d}
        seen: dict[str, int] = {}
        made: list[dict[str, Any]] = []
        for row in rows:
            device_id = row.text("device_id", required=True, max_len=20)
            name = row.text("name", required=True)
            region = regions.lookup(row, actor)
            if region is not None and region.level not in LOCAL_LEVELS:
                row.fail("region", f"{region.adcode} is a {region.level}: a county or lower")
                region = None
            county = regions.county_code(region) if region else ""
            if device_id:
                why = device_id_problem(device_id, region, county)
                if why:
                    row.fail("device_id", why)
                else:
                    duplicates(row, "device_id", device_id, seen, known)
            where = located(row, s, region)
            main = stream_url(row, "stream_url", required=True)
            sub = stream_url(row, "sub_stream_url") or main
            cell = grid_for(row, s, region, where)
            online = row.boolean("online", default=True)
            if row.ok and region is not None and where is not None:
                made.append({"name": name, "device_id": device_id, "region_id": region.id,
                             "grid_id": cell.id if cell else None, "county_code": county,
                             "lon": where[0], "lat": where[1], "stream_url": main,
                             "sub_stream_url": sub, "online": online})  # fmt: skip
        check(rows)
        for values in made:
            camera = cam(**values)
            s.add(camera)
            s.flush()
            audit.record(s, actor, "onboard.camera", "camera", camera.id,
                         after=audit.snapshot(camera, CAMERA_FIELDS))  # fmt: skip
    return len(made)
