"""A real live stream (ffmpeg serving MPEG-TS over HTTP on 127.0.0.1) is killed and restarted:
its tile shows 信号中断, retries with backoff and plays again by itself, while the other
tile of the wall keeps playing throughout."""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from services.demo import media as demo_media

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs Debian's ffmpeg")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """ffmpeg serving a looping clip as a live HTTP MPEG-TS stream, one client at a time."""

    def __init__(self, clip: Path, port: int) -> None:
        self.clip = clip
        self.port = port
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/live.ts"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1",
             "-i", str(self.clip), "-c", "copy", "-f", "mpegts", "-listen", "1", self.url],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self.proc = None


@pytest.fixture
def clips(tmp_path: Path) -> dict[str, Path]:
    """Two small clips made for this test (320×180, 25 fps, 3 s)."""
    specs = [
        demo_media.ClipSpec("live.mp4", "直播 测试", 320, 180, seconds=3, hue=0),
        demo_media.ClipSpec("local.mp4", "本地 测试", 320, 180, seconds=3, hue=120),
    ]
    paths = demo_media.ensure_clips(tmp_path, specs)
    return {"live": paths[0], "local": paths[1]}


@pytest.fixture
def server(clips: dict[str, Path]) -> Iterator[LiveServer]:
    srv = LiveServer(clips["live"], free_port())
    yield srv
    srv.kill()


def test_a_killed_stream_shows_lost_retries_and_comes_back(
    qtbot: QtBot, clips: dict[str, Path], server: LiveServer
) -> None:
    from widgets.video.video_tile import VideoTile

    live = VideoTile(backoff_start_ms=200, backoff_max_ms=1600, stall_ms=1500)
    other = VideoTile(backoff_start_ms=200, backoff_max_ms=1600, stall_ms=1500)
    for tile in (live, other):
        qtbot.addWidget(tile)
        tile.resize(320, 180)
        tile.show()
    server.start()
    live.set_source(server.url, "县公安局 会商室", loop=False)
    other.set_source(clips["local"].as_uri(), "景区入口 监控")
    qtbot.waitUntil(
        lambda: live.state() == "playing" and other.state() == "playing", timeout=20_000
    )
    qtbot.waitUntil(lambda: live.frames_painted() > 5, timeout=5_000)

    server.kill()
    other_before = other.frames_received()
    with qtbot.waitSignal(
        live.state_changed, timeout=10_000, check_params_cb=lambda s: s == "lost"
    ):
        pass
    assert live.state_text() == "信号中断"
    # While the stream is down the tile keeps retrying, backing off.
    qtbot.waitUntil(lambda: live.retries() >= 3, timeout=10_000)
    assert live.next_retry_ms() > 200
    assert live.state() == "lost"
    # The rest of the wall is unaffected.
    assert other.state() == "playing" and other.frames_received() > other_before + 10

    server.start()
    qtbot.waitUntil(lambda: live.state() == "playing", timeout=20_000)
    painted = live.frames_painted()
    qtbot.waitUntil(lambda: live.frames_painted() > painted + 5, timeout=5_000)
    assert live.next_retry_ms() == 200, "a played stream resets the backoff"
    assert other.state() == "playing"
    live.stop()
    other.stop()
