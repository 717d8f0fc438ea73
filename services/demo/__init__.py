"""Public surface of the feature: see services.demo.build."""

from services.demo.build import *  # noqa: F403
