"""Public surface of the feature: the public names of its modules (see README, "How it is
built"). Inside the package, and wherever a module is named, a name is imported from the
module that defines it."""

from services.incidents.cases import *  # noqa: F403
from services.incidents.queries import *  # noqa: F403
from services.incidents.reporting import *  # noqa: F403
from services.incidents.rules import *  # noqa: F403
from services.incidents.supervision import *  # noqa: F403
from services.incidents.workflow import *  # noqa: F403
