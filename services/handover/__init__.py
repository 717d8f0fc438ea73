"""Public surface of the feature: see services.handover.report."""

from services.handover.report import *  # noqa: F403
