"""The road network's status."""
from pydantic import BaseModel, Field


class NetworkStatus(BaseModel):
    available: bool
    manifest: dict | None = Field(None, description="What the tiles in service were built from")
    last_import: dict | None = None
