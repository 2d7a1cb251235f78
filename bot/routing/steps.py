"""The seven steps of self-directed support, with wording from data/routing/sds_steps.yml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.routing.rules import PROJECT_ROOT, RulesError
from bot.vocab import SDS_STEPS, label, step_function

DEFAULT_STEPS_PATH = PROJECT_ROOT / "data" / "routing" / "sds_steps.yml"
STEP_KEYS = ("what_you_do", "what_comes_next")


@dataclass(frozen=True)
class StepInfo:
    """One step of self-directed support, in plain words."""

    number: int
    name: str
    what_you_do: str
    what_comes_next: str
    brokerage_function: str


@dataclass(frozen=True)
class StepBook:
    steps: dict[int, StepInfo]
    default_without_budget: int
    default_with_budget: int

    def effective_step(self, sds_step: int | None, has_budget: bool | None) -> int:
        """The person's step, or the default when we do not know it."""
        if sds_step is not None:
            return sds_step
        return self.default_with_budget if has_budget else self.default_without_budget


def _clean(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RulesError(f"{where} is missing or empty")
    return " ".join(value.split())


@lru_cache(maxsize=4)
def load_steps(path: str | None = None) -> StepBook:
    """Loads and checks the step wording; every step 1..7 must be there."""
    chosen = Path(path) if path else DEFAULT_STEPS_PATH
    try:
        data = yaml.safe_load(chosen.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problem = exc.__class__.__name__
        raise RulesError(f"{chosen.name}: cannot read the steps file ({problem})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("steps"), dict):
        raise RulesError(f"{chosen.name}: 'steps' is missing")
    steps: dict[int, StepInfo] = {}
    for number in SDS_STEPS:
        raw = data["steps"].get(number)
        if not isinstance(raw, dict):
            raise RulesError(f"{chosen.name}: step {number} is missing")
        texts = [_clean(raw.get(k), f"{chosen.name}: step {number} '{k}'") for k in STEP_KEYS]
        function = label("brokerage_functions", step_function(number))
        steps[number] = StepInfo(number, label("steps", number), *texts, function)
    defaults = data.get("default_step") or {}
    without = defaults.get("without_budget", 1)
    with_budget = defaults.get("with_budget", 6)
    for value in (without, with_budget):
        if value not in SDS_STEPS:
            raise RulesError(f"{chosen.name}: default_step must use steps 1 to 7")
    return StepBook(steps, without, with_budget)


def sds_step_info(step: int) -> StepInfo:
    """The wording for one step (1..7); ValueError for anything else."""
    if isinstance(step, bool) or step not in SDS_STEPS:
        raise ValueError(f"sds step {step!r} is not a step from 1 to 7")
    return load_steps().steps[step]
