"""services.ops.memory: free heap pages go back to the system, from a thread of their own."""

from __future__ import annotations

import ctypes
import os
import threading
import time

import pytest

from services.ops import memory

pytestmark = pytest.mark.skipif(memory._libc() is None, reason="not glibc")

CHUNK = 64 * 1024  # below malloc's mmap threshold: taken from the heap, not mmap'd
CHUNKS = 3200  # 200 MiB


def _rss_mib() -> float:
    mb = memory.rss_mb(os.getpid())
    assert mb is not None, "no VmRSS"
    return mb


def test_trim_gives_back_the_pages_freed_below_a_live_block() -> None:
    """200 MiB freed under one block still in use stays resident (free cannot shrink the
    heap past it) until `trim()` gives those pages back."""
    libc = memory._libc()
    assert libc is not None
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    blocks = [libc.malloc(CHUNK) for _ in range(CHUNKS)]
    assert all(blocks)
    for b in blocks:
        ctypes.memset(b, 1, CHUNK)  # resident
    pin = libc.malloc(CHUNK)  # a live block above the rest
    ctypes.memset(pin, 1, CHUNK)
    for b in blocks:
        libc.free(b)
    held = _rss_mib()
    try:
        assert memory.trim()
        given_back = held - _rss_mib()
        assert given_back > 150, f"only {given_back:.0f} MiB of 200 given back"
    finally:
        libc.free(pin)


def test_limit_arenas_is_accepted() -> None:
    assert memory.limit_arenas(memory.WALL_ARENAS)


def test_the_trimmer_trims_on_its_own_thread_until_stopped() -> None:
    trimmer = memory.HeapTrimmer(every=0.02)
    trimmer.start()
    try:
        deadline = time.monotonic() + 10
        while trimmer.trims < 3:  # a condition on the trimmer's own count
            assert time.monotonic() < deadline, "the trimmer never trimmed"
            time.sleep(0.01)
        assert any(t.name == "heap-trim" for t in threading.enumerate())
    finally:
        trimmer.stop()
    assert not any(t.name == "heap-trim" for t in threading.enumerate())
