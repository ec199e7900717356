"""Secrets a development install makes for itself, so it never runs on a published placeholder."""
import os
import secrets
from pathlib import Path

from app.settings import PLACEHOLDER_SECRET, Environment, Settings


def development_secret(path: Path) -> str:
    """The secret kept in ``path``, created once (random, readable only by this user). Workers that
    start together all read the first one written: it appears whole, by a hard link, or not at all."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def with_development_secrets(settings: Settings) -> Settings:
    """Development never hashes rider addresses with the published placeholder salt."""
    if settings.environment is Environment.development and settings.report_salt == PLACEHOLDER_SECRET:
        salt = development_secret(settings.secrets_dir / "report-salt")
        return settings.model_copy(update={"report_salt": salt})
    return settings
