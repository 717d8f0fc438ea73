"""Photos of a case (现场照片): checked to be real images, stored by content, listed per case.

A photo is accepted only if its bytes say so: the JPEG, PNG or WebP signature, and Pillow
decodes the whole image in that same format (a renamed text file, a truncated JPEG or a
decompression bomb is refused). The file name the sender gave is kept for display only
and never used as a path: files live under `<data dir>/attachments/ab/cd/<sha256>`, so the
same photo sent twice is stored once. The database keeps one row per case and photo and a
step in the case's timeline; the audit log says who attached it.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import unicodedata
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from services.accounts import Actor
from services.errors import InvalidInput, NotFound
from services.incidents import workflow
from services.store import models
from services.store.db import transaction

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 50-megapixel photo is already more than a phone takes
MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


@dataclass(frozen=True)
class AttachmentRow:
    """One photo of a case, as a caller allowed to see the case may see it."""

    id: int
    incident_id: int
    sha256: str
    media_type: str
    size: int
    width: int
    height: int
    filename: str
    uploaded_at: datetime
    uploaded_by: str


@dataclass(frozen=True)
class CheckedImage:
    media_type: str
    width: int
    height: int
    sha256: str


def _signature(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def check_image(data: bytes, max_bytes: int = MAX_BYTES) -> CheckedImage:
    """The image's type and size if `data` is a whole JPEG, PNG or WebP; else InvalidInput."""
    from PIL import Image

    if not data:
        raise InvalidInput("the photo is empty", code="empty_file")
    if len(data) > max_bytes:
        raise InvalidInput(
            f"the photo is {len(data)} bytes; at most {max_bytes} are taken",
            code="file_too_large", limit=max_bytes,
        )  # fmt: skip
    kind = _signature(data)
    if kind is None:
        raise InvalidInput("not a JPEG, PNG or WebP image (by its bytes)", code="not_an_image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                if img.format != kind:
                    raise InvalidInput("the image's content does not match its signature",
                                       code="not_an_image")  # fmt: skip
                width, height = img.size
                if width * height > MAX_PIXELS:
                    raise InvalidInput(f"the image has {width}×{height} pixels; too many",
                                       code="image_too_large")  # fmt: skip
                img.load()  # decodes every pixel: a truncated file fails here
    except InvalidInput:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:  # fmt: skip
        raise InvalidInput(f"the image cannot be decoded: {exc}", code="not_an_image") from None
    return CheckedImage(MEDIA_TYPES[kind], width, height, hashlib.sha256(data).hexdigest())


def safe_filename(name: str) -> str:
    """The sender's file name reduced to a display label: no directories, no control
    characters, at most 100 characters ("../../etc/passwd" → "passwd")."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip(" .")
    return base[:100]


class AttachmentStore:
    """Content-addressed files under one directory: `ab/cd/<sha256>`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, sha256: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise InvalidInput("not a SHA-256", code="bad_digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes, sha256: str) -> Path:
        """Write the file once (atomically: a reader never sees half a photo)."""
        target = self.path_of(sha256)
        if target.is_file() and target.stat().st_size == len(data):
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target


def _row(a: models.Attachment) -> AttachmentRow:
    return AttachmentRow(
        a.id, a.incident_id, a.sha256, a.media_type, a.size, a.width, a.height, a.filename,
        a.uploaded_at, a.uploaded_by,
    )  # fmt: skip


def attach(
    factory: sessionmaker[Session],
    actor: Actor,
    incident_id: int,
    data: bytes,
    filename: str,
    store: AttachmentStore,
    *,
    note: str = "",
    max_bytes: int = MAX_BYTES,
    now: datetime | None = None,
) -> tuple[AttachmentRow, bool]:
    """Add a photo to a case (whoever may add a progress note to it now, or the caller that
    filed it while it is open). Returns the row and whether it is new: the same photo sent
    to the same case again returns the first row."""
    now = now or models.utcnow()
    checked = check_image(data, max_bytes)
    label = safe_filename(filename)
    with factory() as session:  # refuse before touching the disk
        workflow.note_allowed(session, actor, incident_id)
        existing = _existing(session, incident_id, checked.sha256)
        if existing is not None:
            return existing, False
    store.put(data, checked.sha256)
    try:
        with transaction(factory) as session:
            inc = workflow.note(
                session, actor, incident_id, note.strip() or f"照片 {label or checked.sha256[:12]}",
                action="attach", now=now,
            )  # fmt: skip
            att = models.Attachment(
                incident_id=incident_id, township_code=inc.township_code, sha256=checked.sha256,
                media_type=checked.media_type, size=len(data), width=checked.width,
                height=checked.height, filename=label, uploaded_at=now, uploaded_by=actor.label,
            )  # fmt: skip
            session.add(att)
            session.flush()
            return _row(att), True
    except IntegrityError:  # the same photo raced in from a retry
        with factory() as session:
            again = _existing(session, incident_id, checked.sha256)
        if again is None:
            raise
        return again, False


def _existing(session: Session, incident_id: int, sha256: str) -> AttachmentRow | None:
    a = models.Attachment
    row = session.scalar(select(a).where(a.incident_id == incident_id, a.sha256 == sha256))
    return _row(row) if row is not None else None


def list_attachments(session: Session, actor: Actor, incident_id: int) -> tuple[AttachmentRow, ...]:
    """A case's photos in the order they came (NotAllowed outside the account's subtree)."""
    workflow.detail_visible(session, actor, incident_id)
    a = models.Attachment
    rows = session.scalars(select(a).where(a.incident_id == incident_id).order_by(a.id))
    return tuple(_row(r) for r in rows)


def open_attachment(
    session: Session, actor: Actor, incident_id: int, attachment_id: int, store: AttachmentStore
) -> tuple[AttachmentRow, Path]:
    """One photo of a case and the file holding it, for a caller allowed to see the case."""
    workflow.detail_visible(session, actor, incident_id)
    att = session.get(models.Attachment, attachment_id)
    if att is None or att.incident_id != incident_id:
        raise NotFound(f"no attachment {attachment_id} on incident {incident_id}",
                       code="no_attachment")  # fmt: skip
    path = store.path_of(att.sha256)
    if not path.is_file():
        raise NotFound(f"the file of attachment {attachment_id} is missing", code="file_missing")
    return _row(att), path
