"""`walls`, the whole-console fixture (tests.support.consoles), for every screen's tests."""

from tests.support.consoles import walls  # noqa: F401
