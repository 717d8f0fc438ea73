"""The intake service against a running `console.py serve`, on SQLite and PostgreSQL:
intake, idempotency, photos, the way back, who may call it, and bad input of every kind."""

from __future__ import annotations

import io
import json
import re
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from PIL import Image

from services.store import changefeed
from tests.services.intake.conftest import COUNTY, OTHER_COUNTY, TOWN_A, TOWN_B, Live
from tests.support.intake import counters_match_recount, grid_of, make_key, scalar, wait_until


def _report(**over: object) -> dict[str, object]:
    body: dict[str, object] = {"channel": "hotline", "category": "dispute",
                               "description": "楼上漏水，邻里纠纷", "reporter": "王先生"}  # fmt: skip
    body.update(over)
    return body


def _jpeg(color: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "JPEG")
    return buf.getvalue()


def _problem(resp: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    body = resp.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status and body["code"] == code, body
    assert "Traceback" not in resp.text
    return dict(body)


# --------------------------------------------------------------------------- intake


def test_report_by_grid_point_and_address_lands_with_the_use_cases(live: Live) -> None:
    code, lon, lat = grid_of(live.engine, TOWN_A)
    before = scalar(live.engine, "SELECT count(*) FROM audit_log WHERE actor = 'key:hotline-xihu'")
    with live.client("county") as c:
        by_grid = c.post("/api/v1/incidents", json=_report(grid_code=code))
        by_point = c.post("/api/v1/incidents", json=_report(lon=lon, lat=lat))
        by_address = c.post("/api/v1/incidents", json=_report(address="西湖区三墩镇绕城村18号"))
        assert by_grid.status_code == by_point.status_code == by_address.status_code == 201
        a = c.get(by_point.json()["url"]).json()
        b = c.get(by_address.json()["url"]).json()
    assert a["grid_code"] == code and a["township_code"] == TOWN_A and a["status"] == "reported"
    assert a["intake"]["located_by"] == "point" and a["timeline"][0]["action"] == "report"
    match = b["intake"]["address_match"]
    assert b["intake"]["located_by"] == "address" and match["status"] == "matched"
    assert match["code"] == "330106109233" and "三墩镇" in match["names"] and match["confidence"] > 0.5
    assert b["township_code"].startswith(COUNTY)
    after = scalar(live.engine, "SELECT count(*) FROM audit_log WHERE actor = 'key:hotline-xihu'")
    assert after - before == 3
    assert counters_match_recount(live.engine)


def test_the_same_external_id_twice_returns_the_first_case(live: Live) -> None:
    code, _, _ = grid_of(live.engine, TOWN_A)
    body = _report(grid_code=code, external_id="12345-20261201-0001")
    with live.client("county") as c:
        first = c.post("/api/v1/incidents", json=body)
        again = c.post("/api/v1/incidents", json={**body, "description": "重复推送"})
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"] and again.json()["created"] is False

    racing = _report(grid_code=code, external_id="12345-race")

    def send(_k: int) -> tuple[int, int]:
        with live.client("county") as c:
            r = c.post("/api/v1/incidents", json=racing)
            return r.status_code, r.json()["id"]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(send, range(8)))
    assert len({i for _s, i in results}) == 1
    assert sorted(s for s, _i in results).count(201) == 1
    n = scalar(live.engine, "SELECT count(*) FROM incident_intake WHERE external_id = '12345-race'")
    assert n == 1


def test_html_and_sql_in_text_fields_are_kept_as_text(live: Live) -> None:
    code, _, _ = grid_of(live.engine, TOWN_A)
    evil = "<script>alert(1)</script>'); DROP TABLE incident; --"
    with live.client("county") as c:
        r = c.post("/api/v1/incidents", json=_report(grid_code=code, description=evil,
                                                     reporter="<b>x</b>' OR 1=1"))
        d = c.get(r.json()["url"]).json()
    assert d["description"] == evil and d["reporter"] == "<b>x</b>' OR 1=1"
    assert scalar(live.engine, "SELECT count(*) FROM incident") > 0


# --------------------------------------------------------------------------- bad input


def test_bad_bodies_get_problem_details(live: Live) -> None:
    code, _, _ = grid_of(live.engine, TOWN_A)
    with live.client("county") as c:
        r = c.post("/api/v1/incidents", content=b'{"channel": "hotline", ',
                   headers={"content-type": "application/json"})
        _problem(r, 400, "malformed_json")
        r = c.post("/api/v1/incidents", json={"channel": "hotline"})
        body = _problem(r, 422, "invalid_fields")
        assert {"category", "description"} <= {e["field"] for e in body["errors"]}  # type: ignore[union-attr]
        _problem(c.post("/api/v1/incidents", json=_report(grid_code=code, category="ufo")), 422, "category")
        _problem(c.post("/api/v1/incidents", json=_report(grid_code="3301069999999")), 422, "no_grid")
        _problem(c.post("/api/v1/incidents", json=_report(lon=116.40, lat=39.90)), 422, "outside_territory")
        _problem(c.post("/api/v1/incidents", json=_report()), 422, "no_location")
        _problem(c.post("/api/v1/incidents", json=_report(address="随便写的几个字")), 422, "address_unmatched")
        _problem(c.post("/api/v1/incidents", json=_report(address="北京市朝阳区建国路")), 403, "address_outside")
        _problem(c.post("/api/v1/incidents", json=_report(grid_code=code, channel="sensor_alert")),
                 403, "channel_not_allowed")
        _problem(c.get("/api/v1/incidents/999999999"), 404, "no_incident")


def test_keys_wrong_revoked_and_of_another_region(live: Live, tmp_path: Path) -> None:
    code, _, _ = grid_of(live.engine, TOWN_A)
    with live.client() as c:
        _problem(c.post("/api/v1/incidents", json=_report(grid_code=code)), 401, "no_token")
        r = c.post("/api/v1/incidents", json=_report(grid_code=code),
                   headers={"Authorization": "Bearer sgk_AAAAAAAAAAAA" + "x" * 43})
        _problem(r, 401, "bad_token")
    token = make_key(live.engine, "soon-revoked", COUNTY, ["hotline"])
    with httpx.Client(base_url=live.base, headers={"Authorization": f"Bearer {token}"}) as c:
        assert c.post("/api/v1/incidents", json=_report(grid_code=code)).status_code == 201
        from tests.support.cli import run_console

        out = run_console("--db", live.url, "apikey", "revoke", "soon-revoked")
        assert out.returncode == 0, out.stderr
        _problem(c.post("/api/v1/incidents", json=_report(grid_code=code)), 401, "bad_token")
    with live.client("county") as c:
        case = c.post("/api/v1/incidents", json=_report(grid_code=code)).json()["id"]
    with live.client("other") as c:  # 上城区's key: neither reads nor files in 西湖区
        _problem(c.get(f"/api/v1/incidents/{case}"), 403, "outside")
        _problem(c.post("/api/v1/incidents", json=_report(grid_code=code)), 403, "outside_grid")
        feed = c.get("/api/v1/changes", params={"after": 0, "limit": 1000}).json()
        assert all(ch["incident_id"] != case for ch in feed["changes"])


def test_a_township_cannot_touch_its_neighbours_cases(live: Live) -> None:
    code_a, _, _ = grid_of(live.engine, TOWN_A)
    code_b, lon_b, lat_b = grid_of(live.engine, TOWN_B)
    with live.client("town_b") as c:
        mine = c.post("/api/v1/incidents", json=_report(channel="field_app", grid_code=code_b)).json()["id"]
    with live.client("town_a") as c:
        _problem(c.get(f"/api/v1/incidents/{mine}"), 403, "outside")
        _problem(c.post("/api/v1/incidents", json=_report(channel="field_app", lon=lon_b, lat=lat_b)),
                 403, "outside_grid")
        r = c.post(f"/api/v1/incidents/{mine}/attachments", content=_jpeg(),
                   headers={"content-type": "image/jpeg"})
        _problem(r, 403, "outside")
        _problem(c.post(f"/api/v1/incidents/{mine}/notes", json={"text": "x"}), 403, "outside")
        seen = c.get("/api/v1/changes", params={"limit": 1000}).json()["changes"]
        assert mine not in {ch["incident_id"] for ch in seen}
        assert c.post("/api/v1/incidents", json=_report(channel="field_app", grid_code=code_a)).status_code == 201
    # The grid worker accounts of the two townships: the same wall between them.
    with httpx.Client(base_url=live.base) as c:
        tok = c.post("/api/v1/session", json={"login": f"{TOWN_A}.grid", "password": "demo"}).json()["token"]
        h = {"Authorization": f"Bearer {tok}"}
        _problem(c.get(f"/api/v1/incidents/{mine}", headers=h), 403, "outside")
        r = c.post("/api/v1/incidents/" + str(mine) + "/actions", headers=h,
                   json={"action": "start", "version": 1})
        _problem(r, 403, "outside")
        _problem(c.post("/api/v1/session", json={"login": f"{TOWN_A}.grid", "password": "nope"}),
                 403, "login_failed")


def test_body_over_the_limit_is_refused_before_it_is_read(live: Live) -> None:
    host, port = "127.0.0.1", live.server.port
    token = live.tokens["county"]
    for headers in (
        f"Content-Length: {50 * 1024 * 1024}\r\n",  # declared: refused at once
        "Transfer-Encoding: chunked\r\n",  # streamed: refused once past the limit
    ):
        with socket.create_connection((host, port), timeout=20) as s:
            s.sendall((f"POST /api/v1/incidents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
                       f"Content-Type: application/json\r\n{headers}\r\n").encode())  # fmt: skip
            chunk = b"x" * (1024 * 1024)
            try:
                for _ in range(50):
                    if "chunked" in headers:
                        s.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    else:
                        s.sendall(chunk)
            except OSError:
                pass  # the server answered and closed while we were still sending
            reply = b""
            while b"\r\n\r\n" not in reply:
                part = s.recv(65536)
                if not part:
                    break
                reply += part
            s.settimeout(5)
            try:
                while len(reply.split(b"\r\n\r\n", 1)[1]) < 20:
                    more = s.recv(65536)
                    if not more:
                        break
                    reply += more
            except OSError:
                pass
        assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
        assert b"body_too_large" in reply
    with live.client("county") as c:  # and the server is fine afterwards
        assert c.get("/api/v1/health").status_code == 200


# --------------------------------------------------------------------------- photos


def test_photos_are_checked_by_their_bytes_and_stored_by_content(live: Live) -> None:
    code, _, _ = grid_of(live.engine, TOWN_A)
    photo = _jpeg()
    with live.client("county") as c:
        case = c.post("/api/v1/incidents", json=_report(grid_code=code)).json()["id"]
        url = f"/api/v1/incidents/{case}/attachments"
        fake = b"GIF89a this is not a photo at all" * 10
        _problem(c.post(url, files={"file": ("photo.jpg", fake, "image/jpeg")}), 422, "not_an_image")
        truncated = photo[: len(photo) // 2]
        _problem(c.post(url, content=truncated, headers={"content-type": "image/jpeg"}), 422, "not_an_image")
        _problem(c.post(url, content=b"<?php echo 1; ?>", params={"filename": "x.png"},
                        headers={"content-type": "image/png"}), 422, "not_an_image")
        r = c.post(url, files={"file": ("../../../../etc/passwd", photo, "image/jpeg")})
        assert r.status_code == 201, r.text
        att = r.json()
        assert att["filename"] == "passwd" and att["media_type"] == "image/jpeg"
        assert (att["width"], att["height"]) == (64, 48)
        again = c.post(url, content=photo, headers={"content-type": "image/jpeg"})
        assert again.status_code == 200 and again.json()["id"] == att["id"]
        got = c.get(att["url"])
        assert got.status_code == 200 and got.content == photo
        assert got.headers["content-type"] == "image/jpeg"
        listed = c.get(url).json()
        assert [a["id"] for a in listed] == [att["id"]]
        timeline = c.get(f"/api/v1/incidents/{case}").json()["timeline"]
        assert [e["action"] for e in timeline] == ["report", "attach"]
    stored = live.server.data_dir / "sgcc-console" / "attachments" / att["sha256"][:2] / att["sha256"][2:4] / att["sha256"]
    assert stored.read_bytes() == photo
    assert not (live.server.data_dir / "etc").exists()
    with live.client("other") as c:
        _problem(c.get(att["url"]), 403, "outside")


def test_a_photo_over_the_size_limit_is_refused(live: Live) -> None:
    code, _, _ = grid_of(live.engine, TOWN_A)
    big = Image.effect_noise((2200, 2200), 100).convert("RGB")
    buf = io.BytesIO()
    big.save(buf, "PNG")
    data = buf.getvalue() * 1  # a real PNG of several MB
    with live.client("county") as c:
        case = c.post("/api/v1/incidents", json=_report(grid_code=code)).json()["id"]
        oversized = data + b"\0" * (11 * 1024 * 1024 - len(data))
        r = c.post(f"/api/v1/incidents/{case}/attachments", content=oversized,
                   headers={"content-type": "image/png"})
        _problem(r, 413, "body_too_large")


# --------------------------------------------------------------------------- the way back


def test_the_cursor_sees_every_step_in_order_and_resumes(live: Live) -> None:
    code, _, _ = grid_of(live.engine, TOWN_A)
    start = changefeed.head(live.engine)
    with live.client("county") as c:
        case = c.post("/api/v1/incidents", json=_report(grid_code=code)).json()["id"]
        c.post(f"/api/v1/incidents/{case}/attachments", content=_jpeg((1, 2, 3)),
               headers={"content-type": "image/jpeg"})
        seen: list[dict[str, object]] = []
        after = start
        while True:  # two at a time: the cursor resumes exactly where it stopped
            page = c.get("/api/v1/changes", params={"after": after, "limit": 2}).json()
            seen += page["changes"]
            assert page["next"] >= after
            after = page["next"]
            if not page["more"] and not page["changes"]:
                break
    seqs = [ch["seq"] for ch in seen]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))
    mine = [ch for ch in seen if ch["incident_id"] == case]
    assert [(ch["kind"], ch.get("action")) for ch in mine if ch["kind"] != "incident"] == [
        ("step", "report"), ("step", "attach"), ("attachment", None)]
    assert any(ch["kind"] == "incident" and ch["op"] == "insert" for ch in mine)


def test_rate_limit_per_key(live: Live) -> None:
    with live.client("slow") as c:
        codes = [c.get("/api/v1/me").status_code for _ in range(12)]
        assert 429 in codes and codes[0] == 200
        r = next(c.get("/api/v1/me") for _ in range(5))
        if r.status_code == 429:
            assert int(r.headers["retry-after"]) >= 1
            _problem(r, 429, "rate_limited")
    with live.client("county") as c:  # other keys are not slowed
        assert c.get("/api/v1/me").status_code == 200


# --------------------------------------------------------------------------- docs


def test_docs_and_field_page_load_only_from_this_server(live: Live) -> None:
    with httpx.Client(base_url=live.base) as c:
        for page in ("/api/v1/docs", "/field/"):
            r = c.get(page)
            assert r.status_code == 200
            refs = re.findall(r'(?:src|href)="([^"]+)"', r.text)
            assert refs, page
            for ref in refs:
                assert not re.match(r"^(https?:)?//", ref), f"{page} loads {ref} from elsewhere"
                target = ref if ref.startswith("/") else page.rsplit("/", 1)[0] + "/" + ref
                assert c.get(target).status_code == 200, target
        spec = c.get("/api/v1/openapi.json").json()
        assert "/api/v1/incidents" in spec["paths"] and "/api/v1/changes" in spec["paths"]
        init = c.get("/api/v1/docs/init.js").text
        assert "/api/v1/openapi.json" in init and "http" not in init


def test_webhook_pushes_with_retry_and_keeps_delivery_state(live: Live) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    got: list[dict[str, object]] = []
    calls = {"n": 0}
    arrived = threading.Event()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            calls["n"] += 1
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if calls["n"] == 1:  # the first push fails: the service must retry
                self.send_response(500)
                self.end_headers()
                return
            got.append(json.loads(body))
            self.send_response(204)
            self.end_headers()
            arrived.set()

        def log_message(self, *_a: object) -> None:
            pass

    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
        token = make_key(live.engine, "hook-town-a", TOWN_A, ["field_app"], webhook_url=url)
        code, _, _ = grid_of(live.engine, TOWN_A)
        with httpx.Client(base_url=live.base, headers={"Authorization": f"Bearer {token}"}) as c:
            case = c.post("/api/v1/incidents", json=_report(channel="field_app", grid_code=code)).json()["id"]
        assert arrived.wait(30), "no webhook delivery within 30 s"
        changes = [ch for batch in got for ch in batch["changes"]]  # type: ignore[union-attr]
        assert any(ch["incident_id"] == case and ch.get("action") == "report" for ch in changes)
        assert all(ch["incident_id"] != 0 for ch in changes)
        assert calls["n"] >= 2
        wait_until(lambda: scalar(live.engine, "SELECT webhook_delivered_at FROM api_key "
                                  "WHERE name = 'hook-town-a' AND webhook_failures = 0"),
                   what="delivery recorded")  # fmt: skip
        assert scalar(live.engine, "SELECT webhook_after FROM api_key WHERE name = 'hook-town-a'") > 0
    finally:
        receiver.shutdown()


def test_apikey_command_adds_lists_and_revokes(live: Live) -> None:
    from tests.support.cli import Ran, run_console

    def run(*args: str) -> Ran:
        return run_console("--db", live.url, "apikey", *args)

    added = run("add", "video-xihu", "--center", COUNTY, "--channel", "video_alert")
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip().splitlines()[-1]
    assert token.startswith("sgk_") and token not in run("list").stdout
    digest = scalar(live.engine, "SELECT token_hash FROM api_key WHERE name = 'video-xihu'")
    import hashlib

    assert digest == hashlib.sha256(token.encode()).hexdigest()
    assert "video-xihu" in run("list").stdout
    bad = run("add", "x", "--center", "999999", "--channel", "hotline")
    assert bad.returncode == 1 and "no command center" in bad.stderr and "Traceback" not in bad.stderr
    assert run("revoke", "video-xihu").returncode == 0
    assert "revoked" in [ln for ln in run("list").stdout.splitlines() if ln.startswith("video-xihu")][0]
    assert OTHER_COUNTY  # (the other region's key is made by the fixture)


@pytest.mark.parametrize("path", ["/api/v1/incidents/1", "/api/v1/changes", "/api/v1/tasks"])
def test_reads_need_a_key(live: Live, path: str) -> None:
    with live.client() as c:
        _problem(c.get(path), 401, "no_token")
