/**
 * The Python handler scaffolds: Flask and FastAPI, one file each (`gemini_webhook.py`). Both start
 * with the same verifier, written here once: the standard library for static deliveries (HMAC-SHA256
 * over every v1 entry with every secret, compared in constant time; the 5-minute window),
 * `cryptography` for `v1a` Ed25519 and PyJWT for JWT dynamic deliveries against one cached key set
 * (refetched on a miss at most every 30 s), and a webhook-id dedupe. Python 3.9+ (Debian's
 * python3-flask, python3-fastapi, python3-uvicorn, python3-jwt, python3-cryptography work as they are).
 */

const ENV_LINES = `# Environment:
#   GEMINI_WEBHOOK_SECRET    the webhook's signing secret(s): whsec_... values separated by spaces or commas
#                            (during a rotation's grace window, the new and the previous one)
#   GEMINI_WEBHOOK_JWKS_URI  key set of dynamic (webhook_config) deliveries (default Google's)
#   GEMINI_WEBHOOK_AUDIENCE  the aud dynamic JWT deliveries must carry (your callback URL or client id)`;

const VERIFIER = `TOLERANCE_SECONDS = 5 * 60  # Standard Webhooks: reject timestamps more than 5 minutes away
MAX_BODY_BYTES = 5 * 1024 * 1024
SECRETS = [s for s in re.split(r"[\\s,]+", os.environ.get("GEMINI_WEBHOOK_SECRET", "")) if s]
JWKS_URI = os.environ.get("GEMINI_WEBHOOK_JWKS_URI") or "https://generativelanguage.googleapis.com/.well-known/jwks.json"
AUDIENCE = os.environ.get("GEMINI_WEBHOOK_AUDIENCE") or None
log = logging.getLogger("gemini_webhook")


def _secret_key(index: int, secret: str) -> bytes:
    try:
        if not secret.startswith("whsec_"):
            raise ValueError
        return base64.b64decode(secret[len("whsec_"):], validate=True)
    except (ValueError, binascii.Error):
        raise SystemExit(f"GEMINI_WEBHOOK_SECRET: value #{index + 1} is not a whsec_ signing secret") from None


SECRET_KEYS = [_secret_key(i, s) for i, s in enumerate(SECRETS)]
if not SECRET_KEYS:
    log.warning("GEMINI_WEBHOOK_SECRET is not set: static deliveries cannot verify.")
if not AUDIENCE:
    log.warning("GEMINI_WEBHOOK_AUDIENCE is not set: dynamic JWT deliveries are accepted for any audience.")


class Rejected(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def verify_delivery(headers, raw: bytes):
    """Verifies one delivery over its raw body; returns (webhook_id, event) or raises Rejected."""
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signature = headers.get("webhook-signature")
    if not (msg_id and timestamp and signature):
        raise Rejected(400, "missing webhook-id, webhook-timestamp or webhook-signature")
    if not re.fullmatch(r"[0-9]{1,12}", timestamp) or abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        raise Rejected(401, "webhook-timestamp is outside the 5-minute window")
    entries = signature.split(" ")
    signed = f"{msg_id}.{timestamp}.".encode() + raw
    try:
        verified = (
            _verify_static(entries, signed)
            or _verify_v1a(entries, signed)
            or (_JWT.fullmatch(signature) is not None and _verify_jwt(signature, msg_id, raw))
        )
    except KeySetUnavailable as e:
        raise Rejected(503, f"cannot verify now: {e}") from None  # a 5xx: Gemini retries later
    if not verified:
        raise Rejected(401, "no signature matched")
    try:
        event = json.loads(raw)
    except ValueError:
        raise Rejected(400, "the body is not JSON") from None
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        raise Rejected(400, "the body is not an event")
    return msg_id, event


def _verify_static(entries, signed: bytes) -> bool:
    """Static deliveries: every v1 entry against every secret, in constant time."""
    found = False
    for key in SECRET_KEYS:
        expected = hmac.new(key, signed, hashlib.sha256).digest()
        for entry in entries:
            version, _, value = entry.partition(",")
            if version != "v1":
                continue  # another scheme (v1a): not for HMAC
            try:
                given = base64.b64decode(value, validate=True)
            except (ValueError, binascii.Error):
                continue
            found = hmac.compare_digest(given, expected) or found
    return found


def _verify_v1a(entries, signed: bytes) -> bool:
    """Dynamic deliveries as live ones are signed: v1a,<Ed25519>; the entry names no key, so try each."""
    signatures = []
    for entry in entries:
        if entry.startswith("v1a,"):
            try:
                signatures.append(base64.b64decode(entry[4:], validate=True))
            except (ValueError, binascii.Error):
                pass
    if not signatures:
        return False
    for after_miss in (False, True):
        keys = KEY_SET.get(after_miss)
        if keys is None:
            return False
        for key in keys.ed25519:
            for sig in signatures:
                try:
                    key.verify(sig, signed)
                    return True
                except InvalidSignature:
                    pass
    return False


_JWT = re.compile(r"[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*")
_ALGORITHM = {"RSA": "RS256", "EC": "ES256", "OKP": "EdDSA"}  # pinned to the key type, never "none"


def _verify_jwt(token: str, msg_id: str, raw: bytes) -> bool:
    """Dynamic deliveries as Google's guide documents them: a JWT signed by a key of the JWKS."""
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError:
        return False
    for after_miss in (False, True):
        keys = KEY_SET.get(after_miss)
        if keys is None:
            return False
        candidates = [k for k in keys.jwks if kid is None or k.get("kid") == kid]
        if not candidates:
            continue  # an unknown kid: refetch once (at most every 30 s)
        for jwk in candidates:
            algorithm = _ALGORITHM.get(jwk.get("kty"))
            if algorithm is None:
                continue
            try:
                key = jwt.PyJWK(jwk, algorithm).key
                claims = jwt.decode(token, key, algorithms=[algorithm], audience=AUDIENCE, options={"verify_aud": AUDIENCE is not None})
            except jwt.PyJWTError:
                continue
            # The guide names no other claim; check these only when the token carries them.
            if "jti" in claims and claims["jti"] != msg_id:
                return False
            digest = base64.urlsafe_b64encode(hashlib.sha256(raw).digest()).rstrip(b"=").decode()
            if "body_sha256" in claims and claims["body_sha256"] != digest:
                return False
            return True
        return False
    return False


class KeySetUnavailable(Exception):
    pass


class KeySet:
    """The JWKS, cached 10 minutes; after a miss, refetched at most every 30 s."""

    def __init__(self, uri: str):
        self.uri = uri
        self.lock = threading.Lock()
        self.jwks = None
        self.ed25519 = []
        self.fetched_at = 0.0
        self.last_fetch = float("-inf")

    def get(self, after_miss: bool = False):
        with self.lock:
            now = time.monotonic()
            if self.jwks is not None and not after_miss and now - self.fetched_at < 600:
                return self
            if self.jwks is not None and after_miss and now - self.last_fetch < 30:
                return None
            self.last_fetch = now
            try:
                with urllib.request.urlopen(self.uri, timeout=5) as response:
                    keys = json.load(response).get("keys", [])
            except (OSError, ValueError, AttributeError) as e:
                if self.jwks is not None:
                    return None if after_miss else self  # stale beats nothing
                raise KeySetUnavailable(f"the key set at {self.uri} cannot be read ({e})") from None
            self.jwks = [k for k in keys if isinstance(k, dict) and k.get("use", "sig") == "sig"]
            self.ed25519 = []
            for k in self.jwks:
                if k.get("kty") == "OKP" and k.get("crv") == "Ed25519" and isinstance(k.get("x"), str):
                    try:
                        self.ed25519.append(Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(k["x"] + "==")))
                    except ValueError:
                        pass
            self.fetched_at = now
            return self


KEY_SET = KeySet(JWKS_URI)


class Dedupe:
    """Deliveries come at least once: remember accepted webhook-ids (retries span 24 hours)."""

    def __init__(self, max_entries: int = 100_000, ttl_seconds: int = 25 * 3600):
        self.seen = OrderedDict()
        self.lock = threading.Lock()
        self.max_entries = max_entries
        self.ttl_seconds = ttl_seconds

    def first_time(self, msg_id: str) -> bool:
        with self.lock:
            now = time.time()
            while self.seen and (len(self.seen) >= self.max_entries or next(iter(self.seen.values())) < now - self.ttl_seconds):
                self.seen.popitem(last=False)
            if msg_id in self.seen:
                return False
            self.seen[msg_id] = now  # in production: a unique key in your database, shared by every worker
            return True


dedupe = Dedupe()


def handle_event(msg_id: str, event: dict) -> None:
    """Your work, after the 2xx has been sent. Unknown types are expected: new ones appear over time."""
    data = event.get("data") or {}
    kind = event["type"]
    if kind == "batch.succeeded":
        log.info("%s: batch %s succeeded: %s", msg_id, data.get("id"), data.get("output_file_uri"))
    elif kind in ("batch.failed", "interaction.failed"):
        log.info("%s: %s: %s", msg_id, kind, data.get("error_message"))
    elif kind == "video.generated":
        log.info("%s: video ready: %s", msg_id, data.get("video_uri") or data.get("file_name"))
    else:
        log.info("%s: %s", msg_id, kind)`;

const IMPORTS = `import base64
import binascii
import hashlib
import hmac
import json
import logging
import os
import re
import threading
import time
import urllib.request
from collections import OrderedDict

import jwt  # PyJWT
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey`;

export function flaskHandler(): string {
  return `# gemini_webhook.py: a Gemini API webhook handler (Flask), written by gemini-webhooks.
# Run it (it answers POST /gemini-callback):
#   pip install flask PyJWT cryptography     (Debian: apt install python3-flask python3-jwt python3-cryptography)
#   GEMINI_WEBHOOK_SECRET=whsec_... python3 -m flask --app gemini_webhook run --port 8000
#   or: python3 gemini_webhook.py            (listens on PORT, default 8000)
# Check it: gemini-webhooks probe http://127.0.0.1:8000/gemini-callback --secret whsec_... --dynamic
${ENV_LINES}
${IMPORTS}
import queue

from flask import Flask, jsonify, request

logging.basicConfig(level=logging.INFO)

${VERIFIER}


# Answer at once, work afterwards: accepted events wait in a queue for one worker thread.
_work = queue.Queue()


def _worker() -> None:
    while True:
        msg_id, event = _work.get()
        try:
            handle_event(msg_id, event)
        except Exception:  # keep the worker alive
            log.exception("%s: handling failed", msg_id)


threading.Thread(target=_worker, name="gemini-webhook-worker", daemon=True).start()

app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES


@app.post("/gemini-callback")
def gemini_callback():
    raw = request.get_data(cache=False)  # the raw bytes, never a parsed body: the signature covers them as sent
    try:
        msg_id, event = verify_delivery(request.headers, raw)
    except Rejected as r:
        return jsonify(error=r.reason), r.status
    if not dedupe.first_time(msg_id):
        return jsonify(status="duplicate"), 200  # a retry: already accepted, not processed again
    _work.put((msg_id, event))
    return jsonify(status="received"), 200  # Gemini wants a 2xx within seconds


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
`;
}

export function fastapiHandler(): string {
  return `# gemini_webhook.py: a Gemini API webhook handler (FastAPI), written by gemini-webhooks.
# Run it (it answers POST /gemini-callback):
#   pip install fastapi uvicorn PyJWT cryptography
#     (Debian: apt install python3-fastapi python3-uvicorn python3-jwt python3-cryptography)
#   GEMINI_WEBHOOK_SECRET=whsec_... python3 -m uvicorn gemini_webhook:app --port 8000
#   or: python3 gemini_webhook.py            (listens on PORT, default 8000)
# Check it: gemini-webhooks probe http://127.0.0.1:8000/gemini-callback --secret whsec_... --dynamic
${ENV_LINES}
${IMPORTS}

from fastapi import BackgroundTasks, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

logging.basicConfig(level=logging.INFO)

${VERIFIER}


app = FastAPI()


@app.post("/gemini-callback")
async def gemini_callback(request: Request, background: BackgroundTasks):
    raw = await request.body()  # the raw bytes, never a parsed body: the signature covers them as sent
    if len(raw) > MAX_BODY_BYTES:
        return JSONResponse({"error": "body too large"}, status_code=413)
    try:
        # In a worker thread: fetching the key set blocks.
        msg_id, event = await run_in_threadpool(verify_delivery, request.headers, raw)
    except Rejected as r:
        return JSONResponse({"error": r.reason}, status_code=r.status)
    if not dedupe.first_time(msg_id):
        return {"status": "duplicate"}  # a retry: already accepted, not processed again
    background.add_task(handle_event, msg_id, event)  # runs after the response is sent
    return {"status": "received"}  # Gemini wants a 2xx within seconds


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
`;
}
