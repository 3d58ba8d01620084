"""The policy: every number SPEC section 4 calls a default, in one frozen value.

A policy plugin overrides fields through the ``kentqa_policy_overrides`` hook. Fields whose
metadata says ``statutory`` come from regulations or statutory guidance (named there): a
council may still set them (e.g. for a pilot) but the docs say what the law expects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import attrs

from .calendar import WorkingCalendar
from .fields import ISO_DATE
from .values import Role


def _positive(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"Policy.{attribute.name} must be a whole number >= 0, not {value!r}")


def _months_triple(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    ok = (
        isinstance(value, tuple)
        and len(value) == 3
        and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)
        and list(value) == sorted(value)
    )
    if not ok:
        raise ValueError(f"Policy.{attribute.name} must be three increasing month counts, not {value!r}")


def _dates(value: object) -> frozenset[dt.date]:
    if not isinstance(value, (list, tuple, set, frozenset)):
        raise ValueError("Policy.local_closure_days must be a collection of dates")
    out = set()
    for item in value:
        if isinstance(item, str) and not ISO_DATE.fullmatch(item):  # not 2026-W01-1 nor 20260101
            raise ValueError(f"Policy.local_closure_days holds {item[:40]!r}, not a date YYYY-MM-DD")
        day = dt.date.fromisoformat(item) if isinstance(item, str) else item
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise ValueError(f"Policy.local_closure_days holds a non-date: {item!r}")
        out.add(day)
    return frozenset(out)


class EscalationTargetFrom(StrEnum):
    """R-ESC-3 (SPEC 9.2): the day the escalation's working-day limit runs from."""

    #: entering the first formal stage (team_manager or above); the informal stage has its
    #: response time only (R-ESC-2). The default.
    FIRST_FORMAL_STAGE = "first_formal_stage"
    #: raising, whatever the stage (SPEC section 4's first reading)
    RAISING = "raising"


def _target_from(value: str) -> EscalationTargetFrom:
    try:
        return EscalationTargetFrom(value)
    except ValueError:
        choices = ", ".join(v.value for v in EscalationTargetFrom)
        raise ValueError(f"Policy.escalation_target_from must be one of {choices}, not {value!r}") from None


#: Who sees which rows (R-ACC-1): a role -> the scope of rows it may see.
DEFAULT_ACCESS: Mapping[Role, str] = {
    Role.PRACTITIONER: "own",
    Role.TEAM_MANAGER: "team",
    Role.IRO: "team",
    Role.CP_CHAIR: "team",
    Role.SERVICE_MANAGER: "service",
    Role.ASSISTANT_DIRECTOR: "area",
    Role.QA_UNIT: "all",
    Role.PRINCIPAL_SOCIAL_WORKER: "all",
    Role.DIRECTOR: "all",
}
ACCESS_SCOPES = ("own", "team", "service", "area", "all")


def _access(value: object) -> Mapping[Role, str]:
    if not isinstance(value, Mapping):
        raise ValueError("Policy.access must map roles to scopes")
    out = dict(DEFAULT_ACCESS)
    for role, scope in value.items():
        if scope not in ACCESS_SCOPES:
            raise ValueError(f"Policy.access[{role}] must be one of {', '.join(ACCESS_SCOPES)}")
        out[Role(role)] = scope
    return out


def _audience(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"Policy.{attribute.name} must be a role name or an address, not {value!r}")


def statutory(source: str, default: Any) -> Any:
    return attrs.field(default=default, validator=_positive, metadata={"statutory": source})


def local(default: Any, note: str) -> Any:
    return attrs.field(default=default, validator=_positive, metadata={"policy": note})


@attrs.frozen
class Policy:
    """Every policy default of SPEC section 4. Override with ``attrs.evolve`` or a policy plugin."""

    # Observation of practice (framework 4.5)
    asye_observation_months: tuple[int, int, int] = attrs.field(
        default=(3, 6, 11),
        converter=tuple,
        validator=_months_triple,
        metadata={
            "policy": "R-OBS-1: months from ASYE start by which the 1st, 2nd, 3rd observation is due (Skills for Care review points)"
        },
    )
    observation_interval_months: int = local(
        12, "R-OBS-2: an experienced worker is observed at least every N months"
    )
    support_interval_months: int = local(
        6, "R-OBS-3 (revised, SPEC 9.3): default interval while flagged as needing support"
    )
    due_soon_days: int = local(28, "R-OBS-5: 'due soon' within N calendar days")

    # Looked-after reviews (Care Planning, Placement and Case Review (England) Regulations 2010, reg 33)
    lac_first_review_working_days: int = statutory("reg 33(2)(a): within 20 working days", 20)
    lac_second_review_months: int = statutory("reg 33(2)(b): within 3 months of the first", 3)
    lac_later_review_months: int = statutory("reg 33(2)(c): within 6 months of the previous", 6)
    iro_qa_working_days: int = local(5, "R-LAC-5: IRO QA of each review within N working days")
    iro_appointment_working_days: int = statutory(
        "IRO Handbook 2010 (R-LAC-9, SPEC 9.2): an IRO appointed within 5 working days of becoming looked after",
        5,
    )
    # Short breaks (reg 48) and adoption (Adoption Agencies Regulations 2005 reg 36): SPEC 9.2
    short_break_first_review_months: int = statutory(
        "CPPCR 2010 reg 48 (R-LAC-8): first review within 3 months of the first short break", 3
    )
    short_break_later_review_months: int = statutory(
        "CPPCR 2010 reg 48 (R-LAC-8): then within 6 months of the previous", 6
    )
    adoption_first_review_days: int = statutory(
        "AAR 2005 reg 36 (R-ADO-1): first review within 4 weeks of placement for adoption", 28
    )
    adoption_second_review_months: int = statutory(
        "AAR 2005 reg 36 (R-ADO-1): second within 3 months of the first", 3
    )
    adoption_later_review_months: int = statutory(
        "AAR 2005 reg 36 (R-ADO-1): then within 6 months of the previous", 6
    )

    # Child protection (Working Together to Safeguard Children)
    cp_initial_conference_working_days: int = statutory(
        "Working Together: within 15 working days of the strategy discussion", 15
    )
    cp_first_review_months: int = statutory(
        "Working Together: first review within 3 months of the initial conference", 3
    )
    cp_later_review_months: int = statutory("Working Together: then within 6 months of the previous", 6)
    cp_chair_qa_working_days: int = local(5, "R-CP-5: CP Chair QA of each conference within N working days")

    # Escalation (IRO Handbook 6.2)
    escalation_response_working_days: int = local(
        5, "R-ESC-2: each stage's response due N working days after entering it"
    )
    escalation_target_working_days: int = local(
        20, "R-ESC-3: open longer than N working days (counted from escalation_target_from) is a breach"
    )
    escalation_target_from: EscalationTargetFrom = attrs.field(
        default=EscalationTargetFrom.FIRST_FORMAL_STAGE,
        converter=_target_from,
        metadata={
            "policy": "R-ESC-3 (SPEC 9.2): the limit runs from first_formal_stage (entering team_manager or above; the informal stage has its response time only) or from raising"
        },
    )

    # Complaints (Children Act 1989 Representations Procedure (England) Regulations 2006)
    complaint_stage_1_working_days: int = statutory("reg 14: stage 1 response in 10 working days", 10)
    complaint_stage_1_extended_working_days: int = statutory(
        "reg 14(3): one extension to 20 working days", 20
    )
    complaint_stage_2_working_days: int = statutory(
        "reg 17: stage 2 response 25 working days after the request", 25
    )
    complaint_stage_2_extended_working_days: int = statutory("reg 17: extension to 65 working days", 65)
    complaint_stage_3_working_days: int = statutory(
        "reg 19: review panel within 30 working days of the request", 30
    )
    complaint_panel_report_working_days: int = statutory(
        "reg 20: R-CMP-7, the review panel's report within 5 working days of the panel", 5
    )
    complaint_stage_3_response_working_days: int = statutory(
        "reg 20: R-CMP-7, the council's stage 3 response within 15 working days of the report", 15
    )
    complaint_late_after_months: int = statutory(
        "reg 9: complaints over a year after the matter are late", 12
    )
    corporate_complaint_working_days: int = local(
        20, "R-CMP-6: non-statutory (corporate) complaints, one stage"
    )
    complaint_reminder_working_days: int = local(
        3, "Notifications: warn N working days before a complaint deadline"
    )
    customer_care_audience: str = attrs.field(
        default="customer_care",
        validator=_audience,
        metadata={
            "policy": "Notifications: who is told of complaint deadlines (a role name or an address, e.g. customer.care@example.org)"
        },
    )
    notification_lookback_days: int = local(
        28,
        "Notifications: an escalation raised or an audit graded inadequate is announced if it happened within N calendar days before the run's date",
    )

    # Audit cycle (framework 4.3 "Audits")
    year_start_month: int = attrs.field(
        default=4,
        validator=attrs.validators.and_(_positive, attrs.validators.le(12), attrs.validators.ge(1)),
        metadata={"policy": "R-AUD-1: the audit year starts in this month (April)"},
    )

    # Calendar and access
    local_closure_days: frozenset[dt.date] = attrs.field(
        factory=frozenset,
        converter=_dates,
        metadata={"policy": "Days the council is closed besides weekends and bank holidays"},
    )
    access: Mapping[Role, str] = attrs.field(
        factory=lambda: dict(DEFAULT_ACCESS),
        converter=_access,
        hash=False,
        metadata={"policy": "R-ACC-1: the permissions matrix, role -> own/team/service/area/all"},
    )
    council: str = attrs.field(default="", metadata={"policy": "The council's name, shown on reports"})

    @property
    def calendar(self) -> WorkingCalendar:
        """The working-day calendar: bank holidays plus this policy's closure days."""
        return _calendar_for(self.local_closure_days)

    def with_overrides(self, overrides: Mapping[str, Any], *, source: str = "policy plugin") -> Policy:
        """A new Policy with ``overrides`` applied; unknown names raise ``ValueError`` naming them."""
        names = {a.name for a in attrs.fields(Policy)}
        unknown = sorted(set(overrides) - names)
        if unknown:
            raise ValueError(f"{source}: unknown policy field(s): {', '.join(unknown)}")
        return attrs.evolve(self, **dict(overrides))


_CALENDARS: dict[frozenset[dt.date], WorkingCalendar] = {}


def _calendar_for(closures: frozenset[dt.date]) -> WorkingCalendar:
    cal = _CALENDARS.get(closures)
    if cal is None:
        cal = _CALENDARS[closures] = WorkingCalendar(closures)
    return cal
