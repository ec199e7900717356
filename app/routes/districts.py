"""District routes: boundaries with centre counts."""
from fastapi import APIRouter

from app.catalogue import district_table
from app.db import SessionDep
from app.schemas import DistrictSummary

router = APIRouter(prefix="/api/districts", tags=["districts"])


@router.get("", response_model=list[DistrictSummary])
def list_districts(session: SessionDep) -> list[dict]:
    return district_table(session)
