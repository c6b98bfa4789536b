"""Central's settings: one frozen object, made by the CLI (or a test) and passed in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, kw_only=True)
class Settings:
    data_dir: Path
    # The address citizens' phones and kiosks reach central at (receipts' QR codes).
    public_url: str = "http://127.0.0.1:8001"
    # Push batches are larger than anything a person sends.
    max_body_bytes: int = 16 * 1024 * 1024

    @property
    def secure_cookies(self) -> bool:
        """Cookies go only over TLS when central is served over TLS (behind a proxy)."""
        return self.public_url.startswith("https://")

    @property
    def db_path(self) -> Path:
        return self.data_dir / "central.db"
