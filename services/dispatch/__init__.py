"""Public surface of the feature: see services.dispatch.units."""

from services.dispatch.units import *  # noqa: F403
