"""Public surface of the feature: the public names of its modules (see README, "How it is
built"). Inside the package, and wherever a module is named, a name is imported from the
module that defines it."""

from services.handover.report import *  # noqa: F403
from services.handover.review import *  # noqa: F403
from services.handover.signoff import *  # noqa: F403
from services.handover.snapshot import *  # noqa: F403
