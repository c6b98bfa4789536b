"""Authenticating kiosks' sync requests (invariant 7), and signing central's answers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from litestar import Request, Response

from central import store
from central.setup import Keys
from sync import signing
from sync.signing import RequestRefused
from ventanilla.clock import iso, utc_now
from ventanilla.database import Database


@dataclass(frozen=True)
class SignedRequest:
    """A request that verified: who sent it, and the nonce its answer is bound to."""

    kiosk: str
    nonce: str
    body: bytes


async def verify_request(request: Request, database: Database) -> SignedRequest:
    """Check a kiosk's signature, clock and nonce; record and refuse anything else."""
    body = await request.body()
    query = request.scope.get("query_string", b"").decode()
    target = request.scope["path"] + (f"?{query}" if query else "")
    prefix = request.headers.get(signing.HEADER_KIOSK, "")
    kiosk = await database.read_async(lambda db: store.kiosk(db, prefix)) if prefix else None
    public_key = signing.b64decode(kiosk["public_key"]) if kiosk else None
    # A nonce older than twice the allowed skew cannot come back with a valid timestamp.
    keep_after = iso(utc_now() - datetime.timedelta(seconds=2 * signing.MAX_SKEW_SECONDS))
    try:
        prefix, nonce = signing.check_request(
            request.headers, request.method, target, body, lambda _: public_key
        )
        fresh = await database.write_async(
            lambda db: store.remember_nonce(db, prefix, nonce, keep_after)
        )
        if not fresh:
            raise RequestRefused(401, "replayed request (nonce already used)", prefix)
    except RequestRefused as refused:
        event = {
            "kiosk": refused.kiosk,
            "status": refused.status,
            "reason": refused.reason,
            "method": request.method,
            "path": target[:500],
            "remote": request.client.host if request.client else None,
        }
        await database.write_async(lambda db: store.record_auth_event(db, event))
        raise
    return SignedRequest(kiosk=prefix, nonce=nonce, body=body)


def signed(
    keys: Keys,
    request: SignedRequest,
    body: bytes,
    status: int = 200,
    media_type: str = "application/msgpack",
) -> Response[bytes]:
    """An answer the kiosk can check came from the central it pinned."""
    signature = signing.sign_response(keys.signing_key, request.nonce, status, body)
    return Response(
        body,
        status_code=status,
        media_type=media_type,
        headers={signing.HEADER_SIGNATURE: signature},
    )
