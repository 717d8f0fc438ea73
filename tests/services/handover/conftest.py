"""The hand-made handover world (tests.services.handover.test_report.world) for every
module of this folder."""

from tests.services.handover.test_report import world  # noqa: F401
