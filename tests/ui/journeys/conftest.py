"""The journeys' whole-console fixture (tests.ui.incidents.journey)."""

from tests.ui.incidents.journey import walls  # noqa: F401
