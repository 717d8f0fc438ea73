"""One database lane for a panel: jobs run in a worker thread, results come back as signals.

Like ui/wall/live.py, the GUI thread never queries: a view submits a job (a function of a
Session, run in its own short transaction), and its callback runs on the GUI thread with
the plain frozen values the job returned, or with the refusal it raised. Jobs run one at
a time in submission order (one writer lane), so a panel's writes never race each other.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from services.store import db

Job = Callable[[Session], Any]
Done = Callable[[Any], None]
Failed = Callable[[Exception], None]


def open_engine(engine: Engine | str) -> tuple[Engine, bool]:
    """A worker thread's engine: its own from a URL (True: dispose it at the end), or the
    shared one it was given."""
    if isinstance(engine, str):
        return db.make_engine(engine), True
    return engine, False


class DbWorker(QObject):
    """A worker thread with its own engine (or a shared one) and a queue of jobs."""

    finished = Signal(int, object)  # job id, result
    failed = Signal(int, object)  # job id, exception
    idle = Signal()  # the queue ran empty

    def __init__(self, engine: Engine | str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._engine_arg = engine
        self._jobs: queue.Queue[tuple[int, Job] | None] = queue.Queue()
        self._callbacks: dict[int, tuple[Done | None, Failed | None]] = {}
        self._next = 0
        self._pending = 0
        self._thread: threading.Thread | None = None
        self.finished.connect(self._on_finished)
        self.failed.connect(self._on_failed)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="video-db", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join(timeout)
            self._thread = None

    def submit(self, job: Job, on_done: Done | None = None, on_error: Failed | None = None) -> int:
        """Run `job(session)` in one transaction off the GUI thread; returns the job id."""
        self.start()
        self._next += 1
        self._callbacks[self._next] = (on_done, on_error)
        self._pending += 1
        self._jobs.put((self._next, job))
        return self._next

    def busy(self) -> bool:
        return self._pending > 0

    # -- worker thread ---------------------------------------------------------------

    def _run(self) -> None:
        engine, own = open_engine(self._engine_arg)
        factory = db.session_factory(engine)
        while True:
            item = self._jobs.get()
            if item is None:
                break
            job_id, job = item
            try:
                with db.transaction(factory) as session:
                    result = job(session)
            except Exception as exc:  # noqa: BLE001 - refusals and database errors alike
                self.failed.emit(job_id, exc)
            else:
                self.finished.emit(job_id, result)
        if own:
            engine.dispose()

    # -- GUI thread ------------------------------------------------------------------

    def _settle(self) -> None:
        self._pending -= 1
        if self._pending == 0:
            self.idle.emit()

    def _on_finished(self, job_id: int, result: object) -> None:
        on_done, _ = self._callbacks.pop(job_id, (None, None))
        if on_done is not None:
            on_done(result)
        self._settle()

    def _on_failed(self, job_id: int, exc: object) -> None:
        _, on_error = self._callbacks.pop(job_id, (None, None))
        if on_error is not None and isinstance(exc, Exception):
            on_error(exc)
        self._settle()
