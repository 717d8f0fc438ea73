"""Every rule set the services take, built once from the configuration.

A composition root (the console window, the intake service, the clock, a command) calls
`Policies.from_config(settings.raw)` once and passes the parts to the use cases; no use
case reads the configuration or picks a default of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.accounts import LoginPolicy
from services.config import ConfigError
from services.dispatch.rules import DispatchPolicy
from services.dispatch.surge import SurgePolicy
from services.errors import Refused
from services.handover.policy import HandoverPolicy
from services.incidents.cases import IncidentPolicy
from services.risk.params import RiskParams
from services.risk.safety_index import IndexParams


@dataclass(frozen=True)
class Policies:
    """Deadlines and escalation, dispatch, surge, safety index, risk rules, sign-in, the
    handover's submission window."""

    incidents: IncidentPolicy
    dispatch: DispatchPolicy
    surge: SurgePolicy
    index: IndexParams
    risk: RiskParams
    accounts: LoginPolicy = LoginPolicy()
    handover: HandoverPolicy = HandoverPolicy()

    @classmethod
    def from_config(cls, raw: Mapping[str, Any]) -> Policies:
        """From the config file's tables ([deadlines], [escalation], [dispatch], [surge],
        [safety_index], [risk], [accounts], [handover]); raises InvalidInput naming the bad
        setting."""
        return cls(
            incidents=IncidentPolicy.from_config(dict(raw)),
            dispatch=DispatchPolicy.from_config(raw),
            surge=SurgePolicy.from_config(raw),
            index=IndexParams.from_config(raw.get("safety_index")),
            risk=RiskParams.from_config(raw.get("risk")),
            accounts=LoginPolicy.from_config(raw.get("accounts")),
            handover=HandoverPolicy.from_config(raw.get("handover")),
        )

    @classmethod
    def load(cls, raw: Mapping[str, Any], source: str = "configuration") -> Policies:
        """`from_config`, with every failure one line naming the source and the table
        (ConfigError): how a composition root builds them."""
        try:
            return cls.from_config(raw)
        except Refused as exc:
            raise ConfigError(f"{source}: {exc.message}") from None
        except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
            culprit = next((name for name in raw if not _builds({name: raw[name]})), None)
            where = f"[{culprit}]" if culprit else "a setting"
            raise ConfigError(f"{source}: {where} has a bad value: {exc}") from None

    @classmethod
    def defaults(cls) -> Policies:
        """The documented defaults (an empty configuration)."""
        return cls.from_config({})


def _builds(raw: Mapping[str, Any]) -> bool:
    """Whether these tables alone build (to name the bad one)."""
    try:
        Policies.from_config(raw)
    except Exception:  # noqa: BLE001 - only asking whether this part is the bad one
        return False
    return True
