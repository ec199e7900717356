"""Loading Kunming's district boundaries (from geo.boundaries) into the database."""
from sqlalchemy.orm import Session

from app.catalogue import repository
from geo.boundaries import load_kunming_districts


def store_kunming_districts(session: Session) -> int:
    """Upsert the 14 districts; returns how many were stored."""
    districts = load_kunming_districts()
    repository.replace_districts(session, districts=[
        {"adcode": d.adcode, "name_zh": d.name_zh, "main_urban": d.main_urban, "wkt": d.geometry.wkt,
         "source": d.source} for d in districts
    ])
    return len(districts)
