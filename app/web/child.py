""" "What happens to my child's data": every arrangement that applies to a
child of a given age, what changes as the child grows up, and what no longer
applies. Ages come from the register's data (``applies_from_age``,
``applies_until_age`` and the conditions' ``from_age``/``until_age``), so a
change to the register changes this page without code."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.errors import InvalidInput
from app.web.register_view import Arrangement, Condition, RegisterView

MAX_AGE = 130


@dataclass(frozen=True)
class Applying:
    arrangement: Arrangement
    now: list[Condition]
    later: list[Condition]
    ended: list[Condition]

    @property
    def age_specific(self) -> bool:
        """Whether the age matters: the arrangement or a condition has an age."""
        if self.arrangement.ages is not None:
            return True
        return any(
            c.state.get("from_age") is not None or c.state.get("until_age") is not None
            for c in self.arrangement.conditions
        )


@dataclass(frozen=True)
class Upcoming:
    age: int
    arrangement: Arrangement
    condition: Condition | None = None
    """None when the whole arrangement starts at ``age``."""


@dataclass
class ChildView:
    age: int
    subjects: list[str]
    applies: list[Applying] = field(default_factory=list)
    upcoming: list[Upcoming] = field(default_factory=list)
    no_longer: list[Arrangement] = field(default_factory=list)
    whom_not_stated: list[Arrangement] = field(default_factory=list)


def parse_age(raw: str | None) -> int | None:
    """The age typed into the form; a 422 naming the field if it is not one."""
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_AGE:
        raise InvalidInput(
            f"Enter an age as a whole number from 0 to {MAX_AGE}.",
            errors=[{"field": "age", "msg": "not an age in years", "type": "int_parsing"}],
        )
    return int(text)


def child_view(register: RegisterView, subjects: list[str], age: int) -> ChildView:
    unknown = [s for s in subjects if register.get("data_subjects", s) is None]
    if unknown:
        raise InvalidInput(
            f"Unknown data subject: {', '.join(unknown)}.",
            errors=[
                {"field": "data_subject", "msg": f"unknown data subject {s!r}", "type": "unknown"}
                for s in unknown
            ],
        )
    view = ChildView(age=age, subjects=subjects)
    wanted = set(subjects)
    for arrangement in register.arrangements:
        about = set(arrangement.state["data_subjects"])
        if not about:
            view.whom_not_stated.append(arrangement)
            continue
        if wanted and not about & wanted:
            continue
        starts = arrangement.state.get("applies_from_age")
        if arrangement.applies_at(age):
            now = [c for c in arrangement.conditions if c.applies_at(age)]
            later = [
                c
                for c in arrangement.conditions
                if c.state.get("from_age") is not None and c.state["from_age"] > age
            ]
            ended = [
                c
                for c in arrangement.conditions
                if c.state.get("until_age") is not None and c.state["until_age"] <= age
            ]
            view.applies.append(Applying(arrangement, now, later, ended))
            view.upcoming += [Upcoming(c.state["from_age"], arrangement, c) for c in later]
        elif starts is not None and starts > age:
            view.upcoming.append(Upcoming(starts, arrangement))
        else:
            view.no_longer.append(arrangement)
    view.upcoming.sort(key=lambda u: u.age)
    return view
