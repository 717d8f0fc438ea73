"""Public surface of the feature: the public names of its modules (see README, "How it is
built"). Inside the package, and wherever a module is named, a name is imported from the
module that defines it."""

from services.risk.alerts import *  # noqa: F403
from services.risk.importer import *  # noqa: F403
from services.risk.params import *  # noqa: F403
from services.risk.queries import *  # noqa: F403
from services.risk.rules import *  # noqa: F403
