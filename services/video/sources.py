"""Stream URLs a video tile can open: what the video network hands out, and local clips.

A real center's gateway gives RTSP/HTTP/HLS URLs, which play as they are. `demo://camera/N`
and `demo://room/N` name local looping clips in the media folder (made by
services.demo.media for the demo, or placed there by a center without a gateway). A plain
file path becomes a file:// URL.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from services.config import data_dir

LOCAL_CLIPS = 8  # demo://camera/N and demo://room/N with N ≥ 8 wrap onto the 8 clips
MEDIA_ENV = "CONSOLE_MEDIA_DIR"


def media_dir() -> Path:
    """Where local clips live: $CONSOLE_MEDIA_DIR, else <data dir>/media."""
    env = os.environ.get(MEDIA_ENV)
    return Path(env) if env else data_dir() / "media"


def clip_name(kind: str, number: int, sub: bool = False) -> str:
    return f"{kind}_{number}{'_sub' if sub else ''}.mp4"


def resolve(url: str, folder: Path | None = None) -> str:
    """A playable URL: `demo://camera/3?sub=1` → file:///…/camera_3_sub.mp4; others unchanged.

    A plain file path becomes a file:// URL.
    """
    if url.startswith("demo://"):
        parts = urlsplit(url)
        kind = parts.netloc
        number = int(parts.path.strip("/") or 0) % LOCAL_CLIPS
        sub = parse_qs(parts.query).get("sub", ["0"])[0] not in ("0", "")
        path = (folder or media_dir()) / clip_name(kind, number, sub and kind == "camera")
        return path.resolve().as_uri()
    if url.startswith("/"):
        return Path(url).as_uri()
    return url


def is_looping_file(url: str) -> bool:
    """Local clips loop; network streams are live and end only when they drop."""
    return url.startswith("file:") or url.startswith("demo://") or url.startswith("/")
