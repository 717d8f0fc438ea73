"""Public surface of the feature: see services.incidents.workflow."""

from services.incidents.workflow import *  # noqa: F403
