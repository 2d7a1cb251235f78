"""The report's aggregates, each one SQL query with GROUP BY (fast on a million contacts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Date, and_, case, cast, distinct, exists, func, literal, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement

from bot.needs_log import schema as t


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
    """The Monday starting the week of a timestamp, as an ISO date string."""
    if connection.dialect.name == "sqlite":
        return func.date(column, "-6 days", "weekday 1")
    return func.to_char(cast(func.date_trunc("week", column), Date), "YYYY-MM-DD")


class ReportQueries:
    """Runs the aggregates for one period on one connection."""

    def __init__(self, connection: Connection, period: Period) -> None:
        self.connection = connection
        self.period = period

    def _rows(self, statement) -> list[tuple]:
        return [tuple(row) for row in self.connection.execute(statement)]

    def summary(self) -> list[tuple[str, int]]:
        p = self.period
        people = func.count(distinct(t.need.c.contact_id))

        def people_in(table, *where) -> object:
            return (select(func.count(distinct(table.c.contact_id)))
                    .where(p.holds(table.c.at), *where).scalar_subquery())

        statement = select(
            select(func.count()).select_from(t.contact).where(p.holds(t.contact.c.first_seen))
            .scalar_subquery().label("contacts"),
            select(people).where(p.holds(t.need.c.at)).scalar_subquery().label("stated_needs"),
            people_in(t.recommended_tier).label("recommended"),
            people_in(t.signposted_service).label("signposted"),
            people_in(t.unmet_need).label("unmet"),
            people_in(t.outcome, t.outcome.c.outcome == "handed_to_staff").label("handed_to_staff"),
            people_in(t.outcome, t.outcome.c.outcome == "abandoned").label("abandoned"),
            people_in(t.safeguarding).label("safeguarding"),
        )
        row = self.connection.execute(statement).one()
        return [(key, int(value or 0)) for key, value in row._mapping.items()]

    def need_areas(self) -> list[tuple]:
        n = t.need.c
        return self._rows(select(n.need_area, func.count()).where(self.period.holds(n.at))
                          .group_by(n.need_area).order_by(func.count().desc(), n.need_area))

    def tiers(self) -> list[tuple]:
        r = t.recommended_tier.c
        return self._rows(select(r.tier, func.count(distinct(r.contact_id)))
                          .where(self.period.holds(r.at)).group_by(r.tier))

    def unmet_needs(self) -> list[tuple]:
        u = t.unmet_need.c

        def people_where(condition) -> ColumnElement:
            return func.count(distinct(case((condition, u.contact_id))))

        total = func.count(distinct(u.contact_id))
        return self._rows(select(u.need_area, people_where(u.reason == "no_service"),
                                 people_where(u.reason == "none_fit"), total)
                          .where(self.period.holds(u.at)).group_by(u.need_area)
                          .order_by(total.desc(), u.need_area))

    def services(self, limit: int = 25) -> list[tuple]:
        s = t.signposted_service.c
        people = func.count(distinct(s.contact_id))
        return self._rows(select(s.service_id, people).where(self.period.holds(s.at))
                          .group_by(s.service_id).order_by(people.desc(), s.service_id)
                          .limit(limit))

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

    def weekly(self) -> list[tuple]:
        """Week, new contacts, people with needs, recommended, with an unmet need."""
        columns: dict[str, dict[str, int]] = {}
        sources = (("contacts", t.contact, t.contact.c.first_seen, t.contact.c.id),
                   ("needs", t.need, t.need.c.at, t.need.c.contact_id),
                   ("recommended", t.recommended_tier, t.recommended_tier.c.at,
                    t.recommended_tier.c.contact_id),
                   ("unmet", t.unmet_need, t.unmet_need.c.at, t.unmet_need.c.contact_id))
        for name, table, when, who in sources:
            week = week_of(self.connection, when).label("week")
            statement = (select(week, func.count(distinct(who))).select_from(table)
                         .where(self.period.holds(when)).group_by(week))
            columns[name] = {str(w): int(n) for w, n in self.connection.execute(statement)}
        weeks = sorted(set().union(*(set(v) for v in columns.values())))
        return [(w, *(columns[name].get(w, 0) for name, *_ in sources)) for w in weeks]

    def released(self, counted: tuple[str, ...], excluded_tiers: tuple[str, ...],
                 excluded_outcomes: tuple[str, ...]) -> int:
        """People recommended a counted tier with no excluded tier, safeguarding or handover."""
        r = t.recommended_tier
        other = r.alias("other")
        o = t.outcome.c
        s = t.safeguarding.c
        statement = select(func.count(distinct(r.c.contact_id))).where(
            self.period.holds(r.c.at), r.c.tier.in_(counted),
            ~exists(select(literal(1)).where(other.c.contact_id == r.c.contact_id,
                                             other.c.tier.in_(excluded_tiers))),
            ~exists(select(literal(1)).where(o.contact_id == r.c.contact_id,
                                             o.outcome.in_(excluded_outcomes))),
            ~exists(select(literal(1)).where(s.contact_id == r.c.contact_id)),
        )
        return int(self.connection.execute(statement).scalar() or 0)
