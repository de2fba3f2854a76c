"""The plan model: the one source of truth every later stage reads.

A plan file (YAML or JSON) or a spreadsheet row becomes a validated :class:`Plan`. Validation
reports every problem at once, each with a path a person can find (``goals[1].deadline`` is the
first goal's deadline, matching the spreadsheet's ``goals.1.deadline`` column) and a sentence
that says what to do.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    field_validator,
)

from pipdocs.core.dates import parse_ymd
from pipdocs.core.errors import InputError, PlanInvalid, Problem
from pipdocs.core.i18n import N_, plan_language, pN_, tr, tr_in
from pipdocs.core.identity import EMAIL_HINT, email_key, is_email, mailbox
from pipdocs.core.names import JOB_ROLES as JOB_ROLES  # re-exported: callers import them here
from pipdocs.core.names import LANGUAGES as LANGUAGES
from pipdocs.core.names import ROLES as ROLES
from pipdocs.core.names import SIG_MARKER as SIG_MARKER
from pipdocs.core.names import SIGNATURE_FIELDS as SIGNATURE_FIELDS
from pipdocs.core.names import JobRole, Language
from pipdocs.core.planfile import MAX_DEPTH, TOO_DEEP
from pipdocs.core.planmessages import error_path, pydantic_message, shown
from pipdocs.core.text import line_problem, text_problem

USUAL_PERIODS: tuple[int, ...] = (30, 60, 90)
MAX_GOALS = 3
CHECKPOINT_INTERVAL_DAYS = 14
FIRST_YEAR, LAST_YEAR = 1900, 2999
_WEEKS_RE = re.compile(r"^\s*(\d{1,2})\s*(?:[-–~]\s*(\d{1,2}))?\s*$")
_PLAN_ID_RE = re.compile(r"\w[\w.-]{0,79}")
# Names Windows reserves for devices, with any extension (CON.pdf is the console): outputs travel.
WINDOWS_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL",
                              *(f"{p}{n}" for p in ("COM", "LPT") for n in "123456789¹²³")})
_CJK = "\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
# YAML folds a long text (">" or a plain scalar over several lines) by joining lines with a space;
# Chinese has no spaces between words, so a space between two CJK characters is dropped.
_CJK_GAP_RE = re.compile(f"(?<=[{_CJK}])[ \t]+(?=[{_CJK}])")
FREQUENCY_DAYS = {"weekly": 7, "biweekly": 14}


def _clean_text(value: str) -> str:
    """Normalise line ends and refuse what would corrupt a document or forge a signature box."""
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    problem = text_problem(value)
    if problem:
        raise ValueError(problem)
    if SIG_MARKER in value:
        raise ValueError(_reserved())
    return _CJK_GAP_RE.sub("", value)


def _reserved() -> str:
    return tr("contains '{marker}', which is reserved for signature boxes").format(
        marker=SIG_MARKER)


def _clean_line(value: str) -> str:
    """A name or id: one line, no control or bidi characters (they forge output lines or
    print the name reversed)."""
    problem = line_problem(value)
    if problem:
        raise ValueError(problem)
    return _clean_text(value)


def _email(value: str) -> str:
    problem = line_problem(value)
    if problem:
        raise ValueError(problem)
    if SIG_MARKER in value:
        raise ValueError(_reserved())
    if not is_email(value):
        raise ValueError(tr("'{value}' is not an e-mail address ({hint})").format(
            value=value, hint=EMAIL_HINT))
    return value


def _date_input(value: Any) -> Any:
    """2027/3/1 and 2027年3月1日 are read as 2027-03-01, as the spreadsheet reads them."""
    if isinstance(value, str):
        parsed = parse_ymd(value)
        if parsed is not None:
            return parsed
    return value


Text = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_clean_text)]
ShortText = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_clean_text)]
Line = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_clean_line)]
Email = Annotated[str, Field(min_length=3, max_length=254), AfterValidator(_email)]
Day = Annotated[date, BeforeValidator(_date_input), WithJsonSchema({
    "type": "string", "pattern": r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?$",
    "description": "A date: 2027-03-01, 2027/3/1, 2027.3.1 or 2027年3月1日"})]


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        coerce_numbers_to_str=True,
        frozen=False,
    )


class Party(_Model):
    """A person named by the plan: who must sign for a role."""

    name: Line
    email: Email
    title: ShortText


class Employee(Party):
    id: Line
    department: ShortText


class Period(_Model):
    start: Day
    days: int = Field(ge=7, le=366)

    @field_validator("start")
    @classmethod
    def _plausible(cls, value: date) -> date:
        # 9999-12-31 plus the period overflows every date sum made from it later.
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValueError(f"{value.isoformat()} is not a plausible start date (years"
                             f" {FIRST_YEAR}-{LAST_YEAR}); check the year")
        return value

    @property
    def end(self) -> date:
        """Last day of the plan: a 90-day plan starting 1 Dec ends on 28 Feb."""
        return self.start + timedelta(days=self.days - 1)

    @property
    def weeks(self) -> int:
        return -(-self.days // 7)


class Diagnosis(_Model):
    summary: Text
    root_causes: list[Text] = Field(default_factory=list, max_length=10)
    evidence: list[Text] = Field(default_factory=list, max_length=10, description=(
        "The facts the diagnosis rests on (records, reports, reviews), one per item"))


class Goal(_Model):
    """A SMART goal: metric, where it stands, where it must get to, by when, measured how."""

    area: ShortText
    metric: ShortText
    baseline: ShortText
    standard: ShortText | None = None
    target: ShortText
    deadline: Day
    measurement: ShortText

    @field_validator("target")
    @classmethod
    def _measurable(cls, value: str) -> str:
        if not re.search(r"\d", value):
            raise ValueError(
                tr("'{value}' is not measurable: give a number (e.g. 8%, at least 90,"
                   " 3 per week)").format(value=value)
            )
        return value


class Action(_Model):
    weeks: ShortText
    task: Text

    @field_validator("weeks")
    @classmethod
    def _weeks(cls, value: str) -> str:
        match = _WEEKS_RE.match(value)
        first = int(match.group(1)) if match else 0
        last = int(match.group(2) or match.group(1)) if match else 0
        if first < 1 or last < first:
            raise ValueError(tr("'{value}' is not a week range (write 1-4, or 5)").format(
                value=value))
        return f"{first}-{last}" if last != first else str(first)

    @property
    def week_range(self) -> tuple[int, int]:
        first, _, last = self.weeks.partition("-")
        return int(first), int(last or first)


class Checkpoint(_Model):
    date: Day
    focus: ShortText


class Plan(_Model):
    """A validated Performance Improvement Plan."""

    plan_id: str | None = Field(default=None, max_length=80)
    language: Language
    role: JobRole
    organisation: Line | None = None
    employee: Employee
    manager: Party
    hr: Party
    period: Period
    diagnosis: Diagnosis
    goals: list[Goal] = Field(min_length=1, max_length=20)
    actions: list[Action] = Field(min_length=1, max_length=20)
    support: list[Text] = Field(min_length=1, max_length=20)
    commitments: list[Text] = Field(default_factory=list, max_length=10, description=(
        "What the line manager commits to during the plan; none: the document promises nothing"))
    evaluation: list[Text] = Field(default_factory=list, max_length=10, description=(
        "How results are assessed at the end (data source, when it is counted)"))
    checkin_frequency: Literal["weekly", "biweekly"] | None = Field(default=None, description=(
        "Rhythm of review meetings; sets the default checkpoints (biweekly when not given)"))
    checkpoints: list[Checkpoint] = Field(default_factory=list, max_length=60)

    @field_validator("plan_id")
    @classmethod
    def _plan_id(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        problem = line_problem(value)
        if problem:
            raise ValueError(problem)
        if not _PLAN_ID_RE.fullmatch(value) or value.endswith("."):
            raise ValueError(tr(
                "'{value}' cannot be a plan id: use letters, digits, '-', '_' or '.', not"
                " at the end (it becomes a file name)").format(value=value))
        if value.split(".")[0].upper() in WINDOWS_RESERVED:
            raise ValueError(
                f"'{value}' cannot be a plan id: Windows reserves"
                f" {value.split('.')[0].upper()} for a device, so the file could not be opened"
                " there; choose another"
            )
        return value

    def person(self, role: str) -> Party:
        """The party who must sign for ``role`` (employee, manager or hr)."""
        if role not in ROLES:
            raise ValueError(f"unknown signing role {role!r}")
        party: Party = getattr(self, role)
        return party

    def warnings(self) -> list[str]:
        """Things that are allowed but unusual, shown to the user without failing."""
        from pipdocs.core.privacy import sensitive_topics
        from pipdocs.core.punctuation import half_width

        with plan_language(self.language):
            out = []
            if self.period.days not in USUAL_PERIODS:
                out.append("period.days: " + tr(
                    "{days} days is unusual; PIPs commonly run 30, 60 or 90").format(
                        days=self.period.days))
            for i, action in enumerate(self.actions, 1):
                if action.week_range[1] > self.period.weeks:
                    out.append(f"actions[{i}].weeks: " + tr(
                        "week {week} is after the plan's {weeks} weeks").format(
                            week=action.week_range[1], weeks=self.period.weeks))
            out.extend(str(problem) for problem in sensitive_topics(self) + half_width(self))
            return out

    def to_json_bytes(self) -> bytes:
        """Canonical UTF-8 JSON: what is embedded in the PDF as plan.json."""
        data = self.model_dump(mode="json", exclude_none=True)
        return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


# --- building and validating ----------------------------------------------------------------------


_FIELDS_BY_MODEL: dict[str, type[BaseModel]] = {
    "": Plan,
    "employee": Employee,
    "manager": Party,
    "hr": Party,
    "period": Period,
    "diagnosis": Diagnosis,
    "goals": Goal,
    "actions": Action,
    "checkpoints": Checkpoint,
}


def _field_names(parent: str) -> list[str]:
    """Field names of the model at ``parent`` (for 'did you mean' on an unknown key)."""
    return list(_FIELDS_BY_MODEL.get(parent, Plan).model_fields)


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    return parse_ymd(str(value))


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip() if isinstance(value, str) else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _end(start: date, days: int) -> date | None:
    """The period's last day, or None when it is past the calendar's end (9999-12-31)."""
    try:
        return start + timedelta(days=days - 1)
    except OverflowError:
        return None


def _cross_problems(data: dict[str, Any], plan: Plan | None) -> list[Problem]:
    """Checks that span fields: deadlines and checkpoints inside the period, distinct people.

    Runs on raw data too, so a plan with a bad e-mail still hears about a late deadline.
    """
    problems: list[Problem] = []
    raw_period = data.get("period")
    period: dict[str, Any] = raw_period if isinstance(raw_period, dict) else {}
    start = plan.period.start if plan else _as_date(period.get("start"))
    days = plan.period.days if plan else _as_int(period.get("days"))
    end = _end(start, days) if start is not None and days is not None and 7 <= days <= 366 \
        else None
    if start is not None and end is not None:
        for key, field in (("goals", "deadline"), ("checkpoints", "date")):
            items = data.get(key)
            if not isinstance(items, list):
                continue
            for i, item in enumerate(items, 1):
                when = _as_date(item.get(field)) if isinstance(item, dict) else None
                if when is not None and not start <= when <= end:
                    problems.append(Problem(
                        f"{key}[{i}].{field}",
                        tr("{when} is outside the plan period {start} to {end}").format(
                            when=when.isoformat(), start=start.isoformat(),
                            end=end.isoformat()),
                    ))
    goals = data.get("goals")
    if isinstance(goals, list) and len(goals) > MAX_GOALS:
        problems.append(Problem("goals", tr(
            "has {count} goals; at most {max}: focus on the 2-3 key improvement points").format(
                count=len(goals), max=MAX_GOALS)))
    return problems + _shared_mailboxes(data)


def _shared_mailboxes(data: dict[str, Any]) -> list[Problem]:
    """A problem for each role whose e-mail reaches an earlier role's mailbox (same address up
    to case, or up to a ``+tag``): one person must not receive and sign as two."""
    problems: list[Problem] = []
    seen: dict[str, tuple[str, str]] = {}
    for role in ROLES:
        party = data.get(role)
        email = party.get("email") if isinstance(party, dict) else None
        if not (isinstance(email, str) and email.strip()):
            continue
        first = seen.setdefault(mailbox(email), (role, email))
        if first[0] == role:
            continue
        other = tr(_PARTY[first[0]])
        if email_key(email) == email_key(first[1]):
            text = tr("is the same as the {other}'s e-mail; employee, manager and HR must be"
                      " three different people").format(other=other)
        else:
            text = tr("{email} reaches the same mailbox as the {other}'s {first} (a +tag or"
                      " capitals do not make another person); employee, manager and HR must be"
                      " three different people").format(email=email.strip(), other=other,
                                                        first=first[1].strip())
        problems.append(Problem(f"{role}.email", text))
    return problems


_PARTY = {"employee": N_("employee"), "manager": N_("manager"), "hr": N_("HR")}


#: The topics of the default checkpoints, written in the plan's language.
REVIEW, FINAL = pN_("checkpoint", "Progress review"), pN_("checkpoint", "Final evaluation")


def _default_checkpoints(plan: Plan) -> list[Checkpoint]:
    """A review at the plan's check-in rhythm (every 14 days unless weekly), then the final one."""
    lang = plan.language
    out = []
    step = FREQUENCY_DAYS.get(plan.checkin_frequency or "", CHECKPOINT_INTERVAL_DAYS)
    day = plan.period.start + timedelta(days=step)
    # A review less than a week before the final evaluation would only repeat it.
    while day <= plan.period.end - timedelta(days=7):
        out.append(Checkpoint(date=day, focus=tr_in(lang, REVIEW, context="checkpoint")))
        day += timedelta(days=step)
    out.append(Checkpoint(date=plan.period.end, focus=tr_in(lang, FINAL, context="checkpoint")))
    return out


def _derived_plan_id(plan: Plan) -> str:
    emp = re.sub(r"[^\w.-]+", "-", plan.employee.id).strip("-.") or "X"
    return f"PIP-{emp}-{plan.period.start:%Y%m%d}"[:80]


def _too_deep(data: dict[str, Any]) -> list[Problem]:
    """Fields nested deeper than any plan is (checked without recursion: 100,000 levels of
    lists would exhaust the stack of every recursive check after this one)."""
    problems = []
    for key, value in data.items():
        stack = [(value, 2)]
        while stack:
            item, depth = stack.pop()
            if depth > MAX_DEPTH:
                problems.append(Problem(str(key), TOO_DEEP))
                break
            if isinstance(item, dict):
                stack.extend((v, depth + 1) for v in item.values())
            elif isinstance(item, list):
                stack.extend((v, depth + 1) for v in item)
    return problems


def _validate(data: dict[str, Any]) -> tuple[Plan | None, list[Problem]]:
    problems: list[Problem] = []
    plan: Plan | None = None
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            message = pydantic_message(error, _field_names)
            problems.append(Problem(error_path(tuple(error["loc"])), message))
    cross = _cross_problems(data, plan)
    reported = {p.path for p in problems}
    problems.extend(p for p in cross if p.path not in reported)
    return plan, problems


def plan_from_data(data: Any, source: str = "") -> Plan:
    """Validate a mapping (parsed YAML/JSON, or a spreadsheet row) into a Plan.

    Raises PlanInvalid listing every problem, each with its path.
    """
    if not isinstance(data, dict):
        problem = Problem("", tr("a plan must be a mapping of fields (plan_id: ..., role: ...)"))
        raise PlanInvalid([problem], source)
    deep = _too_deep(data)
    if deep:
        raise PlanInvalid(deep, source)
    with plan_language(data.get("language")):
        plan, problems = _validate(data)
    if problems or plan is None:
        raise PlanInvalid(problems, source, data.get("language"))
    if not plan.checkpoints:
        plan.checkpoints = _default_checkpoints(plan)
    plan.checkpoints.sort(key=lambda c: c.date)
    if not plan.plan_id:
        plan.plan_id = _derived_plan_id(plan)
    return plan


def load_plan(path: Path | str) -> Plan:
    """Read and validate a plan file (.yaml, .yml or .json)."""
    from pipdocs.core.planfile import read_plan_source, with_lines

    data, lines = read_plan_source(Path(path))
    try:
        return plan_from_data(data, source=str(path))
    except PlanInvalid as exc:
        with plan_language(data.get("language") if isinstance(data, dict) else None):
            raise PlanInvalid(with_lines(exc.problems, lines), exc.source,
                              exc.language) from None


def plan_from_json_bytes(raw: bytes) -> Plan:
    """Read the plan embedded in a PDF as plan.json."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except RecursionError as exc:
        raise PlanInvalid([Problem("", f"the plan {TOO_DEEP}")], "plan.json") from exc
    except ValueError as exc:  # also a 5,000-digit number (int() refuses 4,300+ digits)
        raise InputError(f"embedded plan.json is not valid JSON: {shown(str(exc), 120)}")\
            from exc
    return plan_from_data(data, source="plan.json")


def plan_json_schema() -> dict[str, Any]:
    """JSON Schema of a plan file (``pipdocs schema``)."""
    schema = Plan.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "pipdocs performance improvement plan"
    return schema
