"""Opening hours from ORUK schedules (RFC 5545 style WEEKLY/MONTHLY rules)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/London")
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?$")
BYDAY_RE = re.compile(r"^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$")


@dataclass(frozen=True)
class Clock:
    """A time of day, with a UTC offset if the publisher gave one."""

    at: time
    offset: timedelta | None


@dataclass(frozen=True)
class Schedule:
    freq: str
    interval: int
    byday: tuple[tuple[int | None, str], ...]
    bymonthday: tuple[int, ...]
    opens: Clock | None
    closes: Clock | None
    dtstart: date | None
    valid_from: date | None
    valid_to: date | None
    description: str


def _date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _clock(value: Any) -> Clock | None:
    if not isinstance(value, str):
        return None
    match = TIME_RE.match(value.strip())
    if not match:
        return None
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    zone = match[4]
    offset: timedelta | None = None
    if zone == "Z":
        offset = timedelta(0)
    elif zone:
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return Clock(time(hour, minute, second), offset)


def parse_schedule(raw: dict[str, Any]) -> Schedule | None:
    """A Schedule, or None if the record has nothing we can use."""
    freq = str(raw.get("freq") or "WEEKLY").upper()
    if freq not in ("WEEKLY", "MONTHLY"):
        return None
    byday = []
    for part in str(raw.get("byday") or "").upper().replace(" ", "").split(","):
        match = BYDAY_RE.match(part)
        if match:
            byday.append((int(match[1]) if match[1] else None, match[2]))
    monthdays = []
    for part in str(raw.get("bymonthday") or "").split(","):
        if re.fullmatch(r"-?\d{1,2}", part.strip()) and 1 <= abs(int(part)) <= 31:
            monthdays.append(int(part))
    interval = raw.get("interval")
    interval = int(interval) if isinstance(interval, (int, float)) and 1 <= interval <= 52 else 1
    desc = raw.get("description")
    return Schedule(
        freq=freq, interval=interval, byday=tuple(byday), bymonthday=tuple(monthdays),
        opens=_clock(raw.get("opens_at")), closes=_clock(raw.get("closes_at")),
        dtstart=_date(raw.get("dtstart")), valid_from=_date(raw.get("valid_from")),
        valid_to=_date(raw.get("valid_to")),
        description=" ".join(desc.split()) if isinstance(desc, str) else "",
    )


def local(moment: datetime) -> datetime:
    """A moment as Northmoor local time (naive datetimes are taken as local already)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=LOCAL_TZ)
    return moment.astimezone(LOCAL_TZ)


def _day_matches(s: Schedule, day: date) -> bool:
    code = DAYS[day.weekday()]
    last = calendar.monthrange(day.year, day.month)[1]
    if s.freq == "MONTHLY":
        if s.bymonthday and any(d == day.day or (d < 0 and last + d + 1 == day.day)
                                for d in s.bymonthday):
            return True
        for nth, name in s.byday:
            if name != code:
                continue
            from_start = (day.day - 1) // 7 + 1
            from_end = (last - day.day) // 7 + 1
            if nth is None or nth == from_start or (nth < 0 and -nth == from_end):
                return True
        return False
    if s.byday and code not in {name for _, name in s.byday}:
        return False
    if s.interval > 1 and s.dtstart is not None:
        weeks = (day - s.dtstart).days // 7
        if weeks < 0 or weeks % s.interval:
            return False
    return True


def _clock_time(clock: Clock, day: date) -> time:
    if clock.offset is None:
        return clock.at
    moment = datetime.combine(day, clock.at, tzinfo=timezone(clock.offset))
    return moment.astimezone(LOCAL_TZ).time()


def is_open(s: Schedule, moment: datetime) -> bool:
    """True when the schedule says the service is open at that moment."""
    now = local(moment)
    day = now.date()
    if (s.valid_from and day < s.valid_from) or (s.valid_to and day > s.valid_to):
        return False
    if s.opens is None or s.closes is None or not _day_matches(s, day):
        return False
    opens, closes = _clock_time(s.opens, day), _clock_time(s.closes, day)
    current = now.time().replace(tzinfo=None)
    runs_to_midnight = closes >= time(23, 59) or closes == time(0, 0)
    if runs_to_midnight:
        return current >= opens
    return opens <= current < closes


def open_status(schedules: tuple[Schedule, ...], moment: datetime) -> bool | None:
    """True/False when the service publishes hours, None when it does not."""
    usable = [s for s in schedules if s.opens and s.closes]
    if not usable:
        return None
    return any(is_open(s, moment) for s in usable)


def _hm(clock: Clock) -> str:
    t = clock.at
    suffix = "am" if t.hour < 12 else "pm"
    hour = t.hour % 12 or 12
    return f"{hour}{suffix}" if t.minute == 0 else f"{hour}:{t.minute:02d}{suffix}"


def describe(schedules: tuple[Schedule, ...], words: dict[str, Any]) -> str:
    """Plain opening hours: the publisher's own description, or one made from the rule."""
    parts: list[str] = []
    for s in schedules:
        if s.description:
            parts.append(s.description)
            continue
        if not (s.opens and s.closes):
            continue
        names = words["day_names"]
        days = [name for _, name in s.byday]
        all_day = s.opens.at == time(0, 0) and s.closes.at >= time(23, 59)
        if all_day and s.freq == "WEEKLY" and s.interval == 1 and len(set(days)) in (0, 7):
            parts.append(words["always"])
            continue
        times = {"opens": _hm(s.opens), "closes": _hm(s.closes)}
        if s.freq == "MONTHLY" and s.byday and s.byday[0][0] is not None:
            nth, name = s.byday[0]
            which = words["ordinals"].get(str(nth), str(nth))
            parts.append(words["monthly"].format(which=which, day=names[name], **times))
        elif s.interval == 2 and len(days) == 1:
            parts.append(words["fortnightly"].format(day=names[days[0]], **times))
        else:
            if not days or len(set(days)) == 7:
                label = words["every_day"]
            elif days == list(DAYS[:5]):
                label = words["weekdays"]
            else:
                label = ", ".join(names[d] for d in days)
            template = words["all_day"] if all_day else words["days"]
            parts.append(template.format(days=label, **times))
    unique = list(dict.fromkeys(parts))
    return "; ".join(unique) if unique else words["unknown"]
