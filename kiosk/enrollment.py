"""Enrolling this kiosk with central: register the device key, pin central's keys."""

from __future__ import annotations

import datetime

import httpx
import msgspec

from kiosk import store
from kiosk.settings import Settings
from kiosk.submissions import load_identity
from sync import signing
from sync.messages import EnrollRequest, EnrollResponse
from ventanilla.database import Database


class EnrollmentFailed(Exception):
    """Central refused, or could not be reached; the kiosk is unchanged."""


def enroll(database: Database, settings: Settings, central_url: str, code: str) -> EnrollResponse:
    """Enroll with the central at `central_url` using a one-time `code`."""
    identity = database.write(lambda db: load_identity(db, settings))
    if identity.enrolled:
        raise EnrollmentFailed("this kiosk is already enrolled")
    issued = database.read(store.count_submissions)
    public_key = signing.b64encode(identity.public_key)
    proof = signing.sign(identity.private_key, signing.enrollment_message(code, public_key))
    request = EnrollRequest(
        code=code.strip(),
        prefix=identity.prefix,
        public_key=public_key,
        proof=signing.b64encode(proof),
        issued=issued,
    )
    url = central_url.rstrip("/")
    try:
        response = httpx.post(
            f"{url}/api/v1/sync/enroll",
            content=msgspec.json.encode(request),
            headers={"Content-Type": "application/json"},
            timeout=30,
            trust_env=False,
        )
    except httpx.HTTPError as exc:
        raise EnrollmentFailed(f"cannot reach central at {url}: {exc}") from exc
    if response.status_code != 201:
        try:
            detail = response.json().get("detail", response.text)
        except ValueError:
            detail = response.text
        raise EnrollmentFailed(f"central refused the enrollment ({response.status_code}): {detail}")
    answer = msgspec.json.decode(response.content, type=EnrollResponse)
    values = {
        "prefix": answer.prefix,
        "office": answer.name,
        "central_url": answer.central_url,
        "sync_url": url,
        "central_key": signing.b64decode(answer.signing_key).hex(),
        "sealing_key": signing.b64decode(answer.sealing_key).hex(),
        "enrolled_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    database.write(lambda db: store.set_settings(db, values))
    return answer
