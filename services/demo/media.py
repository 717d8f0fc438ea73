"""Playable demo sources: short looping clips for `demo://camera/N` and `demo://room/N`.

The video-network gateway of a real center hands out RTSP/HTTP/HLS URLs; the demo has
none, so set-up makes one small H.264 clip per demo source with ffmpeg (a moving test
pattern, the source's name and a running clock). Clips are shared by many cameras, so the
video tile's own label shows the real camera or room name.

Generation is idempotent: a manifest records the parameters, and clips already made with
the same parameters are kept. `python -m services.demo.media` makes them. What a URL plays is services.video.sources.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from services.video.sources import LOCAL_CLIPS, clip_name, media_dir

DEMO_CLIPS = LOCAL_CLIPS
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class ClipSpec:
    """One clip to make: file name, caption, size, frame rate, length and colour."""

    name: str
    caption: str
    width: int
    height: int
    fps: int = 25
    seconds: float = 6.0
    hue: int = 0


def demo_specs(clips: int = DEMO_CLIPS, seconds: float = 6.0) -> list[ClipSpec]:
    """Camera main streams (720p25), their sub-streams (360p25) and rooms (720p25)."""
    specs: list[ClipSpec] = []
    for n in range(clips):
        hue = (n * 360 // max(clips, 1)) % 360
        specs.append(ClipSpec(clip_name("camera", n), f"雪亮工程 监控 {n + 1}", 1280, 720,
                              seconds=seconds, hue=hue))  # fmt: skip
        specs.append(ClipSpec(clip_name("camera", n, sub=True), f"监控 {n + 1} 子码流", 640, 360,
                              seconds=seconds, hue=hue))  # fmt: skip
        specs.append(ClipSpec(clip_name("room", n), f"视联网 会商室 {n + 1}", 1280, 720,
                              seconds=seconds, hue=(hue + 180) % 360))  # fmt: skip
    return specs


def find_font() -> str | None:
    for path in FONT_CANDIDATES:
        if Path(path).is_file():
            return path
    return None


def ffmpeg_args(spec: ClipSpec, out: Path, font: str | None) -> list[str]:
    """The ffmpeg command for one clip (H.264 yuv420p, a keyframe every second)."""
    size = f"{spec.width}x{spec.height}"
    filters = [f"hue=h={spec.hue}"]
    if font:
        px = max(16, spec.height // 14)
        common = f"fontfile={font}:fontcolor=white:box=1:boxcolor=black@0.55:boxborderw=8"
        filters.append(f"drawtext={common}:fontsize={px}:text='{spec.caption}':x=24:y=24")
        filters.append(
            f"drawtext={common}:fontsize={px}:text='%{{pts\\:hms}}':x=24:y={24 + px * 3 // 2}"
        )
    return [
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={spec.fps}",
        "-t", f"{spec.seconds:g}", "-vf", ",".join(filters),
        "-c:v", "libx264", "-preset", "superfast", "-crf", "28", "-g", str(spec.fps),
        "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-an", str(out),
    ]  # fmt: skip


def make_clip(spec: ClipSpec, out: Path, font: str | None = None) -> Path:
    """Make one clip (written to a temporary name first, so a half-made file never counts)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".part.mp4")
    subprocess.run(ffmpeg_args(spec, tmp, font), check=True, capture_output=True)
    tmp.replace(out)
    return out


def ensure_clips(
    target: Path | None = None, specs: Sequence[ClipSpec] | None = None, workers: int = 2
) -> list[Path]:
    """Make every missing or outdated clip; returns all clip paths. Idempotent."""
    if shutil.which("ffmpeg") is None:
        raise RuntimeError("ffmpeg is not installed (Debian: apt-get install ffmpeg)")
    folder = target or media_dir()
    folder.mkdir(parents=True, exist_ok=True)
    wanted = list(specs) if specs is not None else demo_specs()
    font = find_font()
    manifest_path = folder / MANIFEST
    try:
        known: dict[str, object] = json.loads(manifest_path.read_text("utf-8"))
    except (OSError, ValueError):
        known = {}
    todo = [
        s for s in wanted
        if known.get(s.name) != {**asdict(s), "font": font} or not (folder / s.name).is_file()
    ]  # fmt: skip
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        list(pool.map(lambda s: make_clip(s, folder / s.name, font), todo))
    for s in todo:
        known[s.name] = {**asdict(s), "font": font}
    manifest_path.write_text(json.dumps(known, ensure_ascii=False, indent=1), "utf-8")
    return [folder / s.name for s in wanted]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Make the demo's looping video clips.")
    parser.add_argument("--dir", type=Path, default=None, help="target folder (default: data dir)")
    args = parser.parse_args(argv)
    paths = ensure_clips(args.dir)
    print(f"{len(paths)} demo clips in {paths[0].parent}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
