"""Public surface of the feature: see services.risk.alerts."""

from services.risk.alerts import *  # noqa: F403
