"""The `cmap:` URL scheme that serves the map page and its data, and an offline guard.

Why a scheme: `setHtml()` cannot show pages over 2 MB, and a custom scheme lets the page
fetch cell geometry as one binary blob. `register_schemes()` must run before the
QApplication exists (Qt registers schemes at WebEngine start-up).

URLs (host `app`):
- `cmap://app/leaflet/<file>`: Leaflet 1.9.4 from the `django-js-lib-leaflet` package,
- `cmap://app/qt/qwebchannel.js`: Qt's own copy, read from `qrc:/qtwebchannel/`,
- `cmap://app/static/<file>`: files of `mapview/static/`,
- `cmap://app/tiles/<z>/<x>/<y>.png`: a local tile directory set with `set_tile_dir`,
- `cmap://app/blob/<key>`: bytes published by `publish()` (pages, geometry).
"""

from __future__ import annotations

import logging
import mimetypes
import threading
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QFile,
    QIODevice,
    QObject,
    QUrl,
    Signal,
    SignalInstance,
)
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

log = logging.getLogger(__name__)

SCHEME = b"cmap"
HOST = "app"
STATIC_DIR = Path(__file__).with_name("static")

_blobs: dict[str, tuple[bytes, bytes]] = {}  # key -> (mime, data)
_blobs_lock = threading.Lock()
_tile_dir: Path | None = None
_handler: _SchemeHandler | None = None
_profiles: set[int] = set()


def register_schemes() -> None:
    """Register the `cmap:` scheme; call once before the QApplication is created.

    Idempotent. Raises RuntimeError when called too late (after QApplication), because
    Qt then silently ignores the registration and every page load fails.
    """
    if QWebEngineUrlScheme.schemeByName(SCHEME).name() == SCHEME:
        return
    if QCoreApplication.instance() is not None:
        raise RuntimeError("register_schemes() must be called before the QApplication exists")
    scheme = QWebEngineUrlScheme(SCHEME)
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setFlags(
        QWebEngineUrlScheme.Flag.SecureScheme
        | QWebEngineUrlScheme.Flag.LocalAccessAllowed
        | QWebEngineUrlScheme.Flag.CorsEnabled
        | QWebEngineUrlScheme.Flag.FetchApiAllowed
        | QWebEngineUrlScheme.Flag.ContentSecurityPolicyIgnored
    )
    QWebEngineUrlScheme.registerScheme(scheme)


def schemes_registered() -> bool:
    return QWebEngineUrlScheme.schemeByName(SCHEME).name() == SCHEME


def publish(key: str, data: bytes, mime: str = "application/octet-stream") -> str:
    """Serve `data` at `cmap://app/blob/<key>` until `unpublish(key)`; returns the URL."""
    with _blobs_lock:
        _blobs[key] = (mime.encode(), data)
    return f"cmap://{HOST}/blob/{key}"


def unpublish(key: str) -> None:
    with _blobs_lock:
        _blobs.pop(key, None)


def unpublish_prefix(prefix: str) -> None:
    with _blobs_lock:
        for k in [k for k in _blobs if k.startswith(prefix)]:
            del _blobs[k]


def set_tile_dir(path: str | Path | None) -> None:
    """Serve `<path>/{z}/{x}/{y}.png` at `cmap://app/tiles/{z}/{x}/{y}.png`."""
    global _tile_dir
    _tile_dir = Path(path).resolve() if path else None


def leaflet_dir() -> Path:
    import js_lib_leaflet  # the package's __init__ does not import Django

    return Path(js_lib_leaflet.__file__).with_name("static") / "js_lib_leaflet"


def _read_qrc(path: str) -> bytes | None:
    f = QFile(path)
    if not f.open(QIODevice.OpenModeFlag.ReadOnly):
        return None
    data = bytes(f.readAll().data())
    f.close()
    return data


def _safe_file(root: Path, rel: str) -> Path | None:
    """The file `rel` under `root`, or None when it is missing or escapes `root` ("../").

    Both sides are resolved: a root reached through a symlink (a `.venv` linked from
    elsewhere) must still contain its own files (FIELD-NOTES: "Path checks and symlinks")."""
    base = root.resolve()
    p = (base / rel).resolve()
    if base not in p.parents or not p.is_file():
        return None
    return p


def resolve(path: str) -> tuple[bytes, bytes] | None:
    """(mime, data) for a `cmap://app` path, or None (pure lookup, used by the handler)."""
    path = path.lstrip("/")
    head, _, rest = path.partition("/")
    file: Path | None = None
    if head == "blob":
        with _blobs_lock:
            return _blobs.get(rest)
    if head == "qt" and rest == "qwebchannel.js":
        data = _read_qrc(":/qtwebchannel/qwebchannel.js")
        return (b"application/javascript", data) if data is not None else None
    if head == "leaflet":
        file = _safe_file(leaflet_dir(), rest)
    elif head == "static":
        file = _safe_file(STATIC_DIR, rest)
    elif head == "tiles" and _tile_dir is not None:
        file = _safe_file(_tile_dir, rest)
    if file is None:
        return None
    mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    if file.suffix == ".js":
        mime = "application/javascript"
    return mime.encode(), file.read_bytes()


ASSET_HEADS = frozenset({"leaflet", "qt", "static"})
"""Paths every map page needs (its blobs come and go with the data; a page asset does not)."""


class _SchemeHandler(QWebEngineUrlSchemeHandler):
    asset_missing = Signal(str)  # path of a page asset that could not be served

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:  # noqa: N802 (Qt name)
        url = job.requestUrl()
        found = resolve(url.path()) if url.host() == HOST else None
        if found is None:
            log.warning("cmap: not found: %s", url.toString())
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            path = url.path().lstrip("/")
            if path.partition("/")[0] in ASSET_HEADS:
                self.asset_missing.emit(path)
            return
        mime, data = found
        buf = QBuffer(job)  # parented to the job: lives exactly as long as the reply
        buf.setData(QByteArray(data))
        buf.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(mime, buf)


def install_scheme_handler(profile: QWebEngineProfile) -> None:
    """Install the `cmap:` handler on `profile` (once per profile)."""
    global _handler
    if not schemes_registered():
        raise RuntimeError("call mapview.view.register_schemes() before creating the QApplication")
    if id(profile) in _profiles and profile.urlSchemeHandler(SCHEME) is not None:
        return
    if _handler is None:
        _handler = _SchemeHandler(QCoreApplication.instance())
    if profile.urlSchemeHandler(SCHEME) is None:
        profile.installUrlSchemeHandler(SCHEME, _handler)
    _profiles.add(id(profile))


def asset_missing() -> SignalInstance:
    """Emitted with the path (e.g. "leaflet/leaflet.js") of a page asset the scheme could not
    serve: the page cannot start without it (the view shows why)."""
    if _handler is None:
        raise RuntimeError("no cmap: handler yet: create the map profile first")
    return _handler.asset_missing


LOCAL_SCHEMES = frozenset({"cmap", "qrc", "data", "blob", "file", "about", "chrome", "devtools"})
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]", ""})


def is_local(url: QUrl, allowed_hosts: frozenset[str] = frozenset()) -> bool:
    """True when loading `url` does not leave the machine (or goes to an allowed host)."""
    scheme = url.scheme().lower()
    if scheme in LOCAL_SCHEMES:
        return True
    host = url.host().lower()
    return host in LOCAL_HOSTS or host in allowed_hosts


class OfflineGuard(QWebEngineUrlRequestInterceptor):
    """Records, and by default blocks, every request that would leave the machine.

    `allowed_hosts` lets an intranet tile server through. `violations` lists what was seen.
    """

    def __init__(
        self,
        parent: QObject | None = None,
        allowed_hosts: frozenset[str] = frozenset(),
        block: bool = True,
    ) -> None:
        super().__init__(parent)
        self.allowed_hosts = allowed_hosts
        self.block = block
        self.violations: list[str] = []
        self.seen: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802 (Qt name)
        url = info.requestUrl()
        self.seen.append(url.toString())
        if not is_local(url, self.allowed_hosts):
            self.violations.append(url.toString())
            log.error("map: blocked off-machine request %s", url.toString())
            if self.block:
                info.block(True)
