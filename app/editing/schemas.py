"""Audit log entries, rider reports, users, the editor's centre list and the hours preview."""
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, StrictBool, field_validator

from app.catalogue.schemas import Adcode, Moment
from geo.hours import ProblemKind

ReportState = Literal["open", "confirmed", "dismissed"]
Role = Literal["editor", "admin"]
DayKind = Literal["holiday", "makeup_workday", "workday", "weekend"]


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    centre_id: str | None = Field(description="The centre changed; null when a user was changed")
    before: dict | None
    after: dict | None
    details: dict | None = Field(None, description="e.g. the report confirmed, the user changed")


class ReportIn(BaseModel):
    model_config = {"extra": "forbid"}

    kind: Literal["closed", "no_water", "charger_broken", "fine"]
    note: str | None = Field(None, max_length=280)


class ReportOut(BaseModel):
    id: int
    centre_id: str
    kind: str
    note: str | None
    created_at: datetime
    age_seconds: int
    confirmed: bool
    dismissed: bool = False
    state: ReportState = "open"


class EditorReportOut(ReportOut):
    """A report as an editor sees it: with its centre, and who handled it when."""

    centre_name: str
    district_adcode: str | None
    handled_at: datetime | None
    handled_by: str | None


class DistrictRef(BaseModel):
    adcode: str
    name_zh: str
    lon: float = Field(description="A WGS84 point inside the district, where a map of it starts")
    lat: float


class MeOut(BaseModel):
    id: int
    name: str
    role: Role
    districts: list[DistrictRef] = Field(description="Where an editor may change centres (admins: everywhere)")


class EditorCentre(BaseModel):
    id: str
    name_zh: str
    name_en: str | None
    kind: str
    status: str
    district_adcode: str | None
    district_name: str | None
    address: str | None
    location_precision: str
    open_reports: int = Field(description="Rider reports neither confirmed nor dismissed")
    open_report_kinds: list[str]
    latest_report_at: datetime | None
    updated_at: datetime


class EditorCentreList(BaseModel):
    items: list[EditorCentre]
    number_matched: int
    limit: int
    offset: int


class UserOut(BaseModel):
    id: int
    name: str
    role: Role
    districts: list[str]
    active: bool
    created_at: datetime


class UserWithToken(UserOut):
    token: str = Field(description="The API token: shown this once, stored only as a hash")


def _clean_districts(districts: list[str] | None) -> list[str] | None:
    return None if districts is None else sorted(set(districts))


class UserIn(BaseModel):
    model_config = {"extra": "forbid"}

    name: str = Field(min_length=1, max_length=100, description="Who this is, e.g. 大观街道-张三")
    role: Role = "editor"
    districts: list[Adcode] = Field([], max_length=20)

    _districts = field_validator("districts")(_clean_districts)

    @field_validator("name")
    @classmethod
    def stripped(cls, name: str) -> str:
        if not name.strip():
            raise ValueError("the name is blank")
        return name.strip()


class UserUpdate(BaseModel):
    model_config = {"extra": "forbid"}

    role: Role | None = None
    districts: list[Adcode] | None = Field(None, max_length=20)
    active: StrictBool | None = None  # JSON true/false only: 0 is not "disable"

    _districts = field_validator("districts")(_clean_districts)


class HoursPreviewIn(BaseModel):
    model_config = {"extra": "forbid"}

    opening_hours: str = Field(max_length=1000, description="OpenStreetMap opening_hours text being edited")
    at: Moment | None = Field(None, description="Moment to evaluate (no offset = Asia/Shanghai); default now")


class HolidayName(BaseModel):
    en: str
    zh: str


class PreviewDay(BaseModel):
    date: date
    day_kind: DayKind = Field(description="holiday, makeup_workday (调休), workday or weekend")
    holiday: HolidayName | None = Field(None, description="The holiday a holiday or 调休 day belongs to")
    hours: list[str] = Field(description="Open intervals that day, e.g. 09:00-12:00; empty when closed")


class HoursProblem(BaseModel):
    """Why the text is not valid, as data: pages word it in their own language."""

    kind: ProblemKind = Field(description="empty (blank text), too_long (over 255 characters), syntax (the parser "
                                          "stopped), not_text")
    column: int | None = Field(description="For syntax: the 1-based character where the parser stopped; "
                                           "null when it did not say")
    snippet: str | None = Field(description="For syntax: the text from `column` on, at most 15 characters")


class HoursPreviewOut(BaseModel):
    valid: bool
    normalized: str | None = Field(description="The text as it would be stored")
    error: str | None = Field(description="Why the text is not valid opening_hours, in English")
    problem: HoursProblem | None = Field(description="The same reason as data; null when the text is valid")
    at: datetime
    open_now: bool | None = Field(description="Open at `at`, as the API's open_at filter decides; null: unknown")
    next_change: datetime | None = Field(description="When open_now next flips (within 16 days)")
    week: list[PreviewDay] = Field(description="Seven days from the date of `at`")
