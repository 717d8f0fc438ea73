"""Public surface of the feature: the public names of its modules (see README, "How it is
built"). Inside the package, and wherever a module is named, a name is imported from the
module that defines it."""

from services.dispatch.board import *  # noqa: F403
from services.dispatch.rules import *  # noqa: F403
from services.dispatch.units import *  # noqa: F403
