"""Audit log entries and rider reports."""
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    centre_id: str
    before: dict | None
    after: dict | None


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
