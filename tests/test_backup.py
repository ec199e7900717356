"""`servicemap backup` / `restore` round trip through pg_dump's custom format."""
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.cli import cli
from tests.builders import add_centres, centre_record


def test_backup_then_restore_brings_back_what_was_lost(db: Session, database_url: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()
    add_centres(db, centre_record(id="test-backed-up"))
    dump = tmp_path / "servicemap.dump"
    result = runner.invoke(cli, ["backup", str(dump)])
    assert result.exit_code == 0, result.output
    assert dump.stat().st_size > 10_000
    db.execute(text("DELETE FROM centres"))
    db.commit()
    result = runner.invoke(cli, ["restore", str(dump)])
    assert result.exit_code == 0, result.output
    db.expire_all()
    assert db.scalar(text("SELECT name_zh FROM centres WHERE id = 'test-backed-up'")) == "测试党群服务中心A"
    assert db.scalar(text("SELECT count(*) FROM districts")) == 14


def test_restore_of_a_broken_dump_fails_and_keeps_the_data(db: Session, database_url: str, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    add_centres(db, centre_record(id="test-kept"))
    broken = tmp_path / "broken.dump"
    broken.write_bytes(b"PGDMP" + b"\x00" * 100)
    result = CliRunner().invoke(cli, ["restore", str(broken)])
    assert result.exit_code == 1 and "pg_restore failed" in result.output
    db.expire_all()
    assert db.scalar(text("SELECT count(*) FROM centres")) == 1
