"""Refusals a use case gives back: a stable code, its parameters and a plain message.

Views translate the code (the message is English, for logs and the command line), so a
refusal reads the same on every console in its own language.
"""

from __future__ import annotations

from typing import Any


class Refused(Exception):
    """A use case said no; nothing was written."""

    code = "refused"

    def __init__(self, message: str, *, code: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.params = params


class NotAllowed(Refused):
    """The account may not do this (role, or the case is outside its subtree)."""

    code = "not_allowed"


class NotFound(Refused):
    code = "not_found"


class InvalidInput(Refused):
    code = "invalid_input"


class InvalidTransition(Refused):
    """The case is not in a state this action starts from."""

    code = "invalid_transition"


class StaleState(Refused):
    """Someone else changed it first; `current` is what it is now."""

    code = "stale"

    def __init__(self, message: str, current: Any = None, **params: Any) -> None:
        super().__init__(message, **params)
        self.current = current
