"""Public surface of the feature: see services.video.slots."""

from services.video.slots import *  # noqa: F403
