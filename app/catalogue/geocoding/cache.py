"""The geocoders' answers, kept in the database: one row per provider and query as sent."""
import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.models import GeocodeAnswer


def query_hash(params: dict[str, str]) -> str:
    canonical = json.dumps(params, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def cached_answer(session: Session, *, provider: str, params: dict[str, str]) -> Any | None:
    query = select(GeocodeAnswer.answer).where(GeocodeAnswer.provider == provider,
                                               GeocodeAnswer.query_hash == query_hash(params))
    return session.scalar(query)


def keep_answer(session: Session, *, provider: str, params: dict[str, str], answer: Any) -> None:
    statement = insert(GeocodeAnswer).values(provider=provider, query_hash=query_hash(params), query=params,
                                             answer=answer)
    session.execute(statement.on_conflict_do_update(
        index_elements=[GeocodeAnswer.provider, GeocodeAnswer.query_hash],
        set_={"answer": statement.excluded.answer, "fetched_at": statement.excluded.fetched_at}))
