"""What we know about a person's situation: the input to the routing engine."""

from __future__ import annotations

from dataclasses import dataclass

from bot.vocab import NEED_AREAS, ROLES, SDS_STEPS

NETWORKS: tuple[str, ...] = ("none", "some", "strong")


class SituationError(ValueError):
    """A situation has a value the engine does not understand."""


@dataclass(frozen=True)
class Situation:
    """A person's situation, as gathered in the conversation."""

    role: str = "self"
    need_areas: tuple[str, ...] = ()
    network: str = "some"
    isolated: bool = False
    fluctuating: bool = False
    has_budget: bool | None = None
    sds_step: int | None = None
    prefers_person: bool = False
    at_risk: bool = False

    @property
    def need_count(self) -> int:
        """How many different need areas the person named."""
        return len(set(self.need_areas))


def check_situation(situation: Situation) -> None:
    """Raises SituationError naming the first field that is not a value the engine knows."""
    if not isinstance(situation, Situation):
        raise SituationError("route() needs a Situation")
    if situation.role not in ROLES:
        raise SituationError(f"role {situation.role!r} is not one of {', '.join(ROLES)}")
    if situation.network not in NETWORKS:
        raise SituationError(f"network {situation.network!r} is not one of {', '.join(NETWORKS)}")
    if not isinstance(situation.need_areas, tuple):
        raise SituationError("need_areas must be a tuple of need-area ids")
    for need in situation.need_areas:
        if need not in NEED_AREAS:
            raise SituationError(f"need area {need!r} is not a known need-area id")
    for name in ("isolated", "fluctuating", "prefers_person", "at_risk"):
        if not isinstance(getattr(situation, name), bool):
            raise SituationError(f"{name} must be true or false")
    if situation.has_budget is not None and not isinstance(situation.has_budget, bool):
        raise SituationError("has_budget must be true, false or None")
    step = situation.sds_step
    if step is not None and (isinstance(step, bool) or step not in SDS_STEPS):
        raise SituationError(f"sds_step {step!r} is not a step from 1 to 7")
