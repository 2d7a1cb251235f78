"""The report's aggregates, each one SQL query with GROUP BY (fast on a million contacts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import (
    Date,
    and_,
    case,
    cast,
    false,
    func,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.sql.selectable import ScalarSelect

from bot import vocab
from bot.needs_log import schema as t

ENDINGS = ("recommendation_given", "handed_to_staff", "safeguarding")


@dataclass(frozen=True)
class Period:
    """From the start of `start` to the end of `end` (both dates included)."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("the report's end date is before its start date")

    @property
    def lower(self) -> datetime:
        return datetime.combine(self.start, time.min)

    @property
    def upper(self) -> datetime:  # exclusive
        return datetime.combine(self.end + timedelta(days=1), time.min)

    def holds(self, column: ColumnElement) -> ColumnElement:
        return and_(column >= self.lower, column < self.upper)


def week_of(connection: Connection, column: ColumnElement) -> ColumnElement:
    """The Monday starting the week of a timestamp (a date, or an ISO date string on SQLite)."""
    if connection.dialect.name == "sqlite":
        return func.date(column, "-6 days", "weekday 1")
    return cast(func.date_trunc("week", column), Date)


PERSON_FLAGS = ("stated_needs", "recommended", "signposted", "unmet", "safeguarding",
                "excluded") + tuple(f"t_{tier}" for tier in vocab.TIERS)
BIT = {name: 1 << i for i, name in enumerate(PERSON_FLAGS)}


class ReportQueries:
    """Runs the aggregates for one period on one connection.

    Counting different people is the costly part on a big log, so it is done once: every fact in
    the period becomes one row (contact, bits), one GROUP BY contact ORs the bits together, and
    sums over that give the summary, the tier mix and the people counted for time released."""

    def __init__(self, connection: Connection, period: Period, counted_tiers: tuple[str, ...] = (),
                 excluded_tiers: tuple[str, ...] = (), excluded_outcomes: tuple[str, ...] = ()
                 ) -> None:
        self.connection = connection
        self.period = period
        self.counted_tiers = counted_tiers
        self.excluded_tiers = excluded_tiers
        self.excluded_outcomes = excluded_outcomes
        self._people: dict[str, int] | None = None

    def _rows(self, statement) -> list[tuple]:
        return [tuple(row) for row in self.connection.execute(statement)]

    def _facts(self, table, bits: ColumnElement | int, *where: ColumnElement) -> Select:
        value = literal_column(str(bits)) if isinstance(bits, int) else bits
        return select(table.c.contact_id.label("contact_id"), value.label("bits")).where(
            self.period.holds(table.c.at), *where)

    def _or_bits(self, bits: ColumnElement) -> ColumnElement:
        """Bitwise OR over a group: bit_or on PostgreSQL, a sum of per-bit maxima elsewhere."""
        if self.connection.dialect.name == "postgresql":
            return func.bit_or(bits)
        parts = [func.max(bits.op("&")(bit)) for bit in BIT.values()]
        total = parts[0]
        for part in parts[1:]:
            total = total + part
        return total

    def people(self) -> dict[str, int]:
        """Different people in the period with each flag, and 'released' (see costing.yml)."""
        if self._people is not None:
            return self._people
        tier = t.recommended_tier.c.tier
        tier_bits = case(*((tier == name, BIT["recommended"] | BIT[f"t_{name}"])
                           for name in vocab.TIERS), else_=BIT["recommended"])
        facts = union_all(
            self._facts(t.need, BIT["stated_needs"]),
            self._facts(t.recommended_tier, tier_bits),
            self._facts(t.signposted_service, BIT["signposted"]),
            self._facts(t.unmet_need, BIT["unmet"]),
            self._facts(t.safeguarding, BIT["safeguarding"] | BIT["excluded"]),
            self._facts(t.outcome, BIT["excluded"],
                        t.outcome.c.outcome.in_(self.excluded_outcomes or ("",))),
        ).subquery()
        person = (select(self._or_bits(facts.c.bits).label("bits"))
                  .group_by(facts.c.contact_id).subquery())

        def has(mask: int) -> ColumnElement:
            return person.c.bits.op("&")(mask) != 0

        counted = sum(BIT[f"t_{x}"] for x in self.counted_tiers)
        excluded = BIT["excluded"] | sum(BIT[f"t_{x}"] for x in self.excluded_tiers)
        columns = [func.sum(case((has(bit), 1), else_=0)).label(name) for name, bit in BIT.items()]
        released = and_(has(counted), ~has(excluded)) if counted else false()
        columns.append(func.sum(case((released, 1), else_=0)).label("released"))
        row = self.connection.execute(select(*columns)).one()
        self._people = {key: int(value or 0) for key, value in row._mapping.items()}
        return self._people

    def summary(self) -> list[tuple[str, int]]:
        c, o = t.contact.c, t.outcome.c

        def outcome(name: str) -> ScalarSelect:  # (contact, outcome) is the key: rows = people
            return select(func.count()).where(self.period.holds(o.at), o.outcome == name
                                              ).scalar_subquery()

        contacts = select(func.count()).select_from(t.contact).where(
            self.period.holds(c.first_seen)).scalar_subquery()
        # Stopped before the end: got in touch in the period and never reached an ending
        # (suggestions, handed to staff, or urgent help), whether or not they said "stop".
        ended = select(o.contact_id).where(o.outcome.in_(ENDINGS))
        stopped = select(func.count()).select_from(t.contact).where(
            self.period.holds(c.first_seen), c.id.not_in(ended)).scalar_subquery()
        row = self.connection.execute(select(contacts.label("contacts"),
                                             outcome("handed_to_staff").label("handed"),
                                             stopped.label("abandoned"))).one()
        people = self.people()
        return [("contacts", int(row.contacts)), ("stated_needs", people["stated_needs"]),
                ("recommended", people["recommended"]), ("signposted", people["signposted"]),
                ("unmet", people["unmet"]), ("handed_to_staff", int(row.handed)),
                ("abandoned", int(row.abandoned)), ("safeguarding", people["safeguarding"])]

    def need_areas(self) -> list[tuple]:
        n = t.need.c  # (contact, need_area) is the key: one row is one person
        return self._rows(select(n.need_area, func.count()).where(self.period.holds(n.at))
                          .group_by(n.need_area))

    def tiers(self) -> list[tuple]:
        people = self.people()
        return [(name, people[f"t_{name}"]) for name in vocab.TIERS]

    def released(self) -> int:
        return self.people()["released"]

    def unmet_needs(self) -> list[tuple]:
        """(need area, tier, district, no service, none fitted, people), most people first."""
        u, c = t.unmet_need.c, t.contact.c
        tier = func.coalesce(u.tier, "")
        district = func.coalesce(c.postcode_district, "")
        inner = (select(u.need_area, tier.label("tier"), district.label("district"), u.contact_id,
                        func.max(case((u.reason == "no_service", 1), else_=0)).label("no_service"),
                        func.max(case((u.reason == "none_fit", 1), else_=0)).label("none_fit"))
                 .join(t.contact, c.id == u.contact_id)
                 .where(self.period.holds(u.at))
                 .group_by(u.need_area, tier, district, u.contact_id).subquery())
        people = func.count()
        keys = (inner.c.need_area, inner.c.tier, inner.c.district)
        return self._rows(select(*keys, func.sum(inner.c.no_service), func.sum(inner.c.none_fit),
                                 people).group_by(*keys).order_by(people.desc(), *keys))

    def services(self, limit: int = 25) -> list[tuple]:
        s = t.signposted_service.c
        inner = (select(s.service_id, s.contact_id).where(self.period.holds(s.at))
                 .group_by(s.service_id, s.contact_id).subquery())
        people = func.count()
        return self._rows(select(inner.c.service_id, people).group_by(inner.c.service_id)
                          .order_by(people.desc(), inner.c.service_id).limit(limit))

    def safeguarding_kinds(self) -> list[tuple]:
        """(risk kind, people): different people who disclosed each kind in the period, as the
        summary's safeguarding count (one person with two kinds is in both rows)."""
        s = t.safeguarding.c
        inner = (select(s.kind, s.contact_id).where(self.period.holds(s.at))
                 .group_by(s.kind, s.contact_id).subquery())
        return self._rows(select(inner.c.kind, func.count()).group_by(inner.c.kind))

    def _contacts_by(self, column: ColumnElement) -> list[tuple]:
        c = t.contact.c
        return self._rows(select(column, func.count()).where(self.period.holds(c.first_seen))
                          .group_by(column))

    def steps(self) -> list[tuple]:
        return self._contacts_by(t.contact.c.furthest_step)

    def channels(self) -> list[tuple]:
        return self._contacts_by(t.contact.c.channel)

    def roles(self) -> list[tuple]:
        return self._contacts_by(t.contact.c.role)

    def districts(self) -> list[tuple]:
        return self._contacts_by(t.contact.c.postcode_district)

    def outcomes(self) -> list[tuple]:
        o = t.outcome.c
        return self._rows(select(o.outcome, func.count()).where(self.period.holds(o.at))
                          .group_by(o.outcome))

    def _weekly(self, table, when: ColumnElement, *where: ColumnElement) -> dict[str, int]:
        week = week_of(self.connection, when).label("week")
        statement = select(week, func.count()).where(self.period.holds(when), *where
                                                     ).group_by(week)
        return {str(w)[:10]: int(n) for w, n in self.connection.execute(statement)}

    def weekly(self) -> list[tuple]:
        """Week; new contacts, need areas named, unmet needs recorded, handed to staff (each row
        of these tables is one person and one thing, so no de-duplication is needed)."""
        columns = [self._weekly(t.contact, t.contact.c.first_seen),
                   self._weekly(t.need, t.need.c.at),
                   self._weekly(t.unmet_need, t.unmet_need.c.at),
                   self._weekly(t.outcome, t.outcome.c.at,
                                t.outcome.c.outcome == "handed_to_staff")]
        weeks = sorted(set().union(*columns))
        return [(w, *(column.get(w, 0) for column in columns)) for w in weeks]
