/**
 * The part every Python scaffold shares, as Python text: reading the configuration (refusing a bad one
 * at start with one line), and verifying a delivery — the standard library for static ones (HMAC-SHA256
 * over every v1 entry with every secret, compared in constant time; the 5-minute window), `cryptography`
 * for `v1a` Ed25519 and PyJWT for the documented JWT form, against one key set fetched by one thread at a
 * time, cached, and never fetched more than once per cooldown while it cannot be read.
 * Python 3.9+, and the versions Debian 12 ships (Flask 2.2, FastAPI 0.92, PyJWT 2.6, cryptography 38).
 */

/** The standard library and third-party imports the verifier needs; each scaffold adds its own. */
const VERIFIER_STDLIB = ['base64', 'binascii', 'hashlib', 'hmac', 'http.client', 'json', 'logging', 'os', 're', 'sys', 'threading', 'time'];
const VERIFIER_THIRD_PARTY = ['import jwt  # PyJWT', 'from cryptography.exceptions import InvalidSignature'];

/**
 * The import block, as isort and Black's users keep it: the standard library, then third-party packages;
 * in each, `import x` lines before `from x import y` ones, by module name. A bare name means `import name`.
 */
export function pythonImports(stdlib: readonly string[], thirdParty: readonly string[]): string {
  const block = (lines: readonly string[]) => {
    const all = lines.map((l) => (l.includes(' ') ? l : `import ${l}`));
    const module = (l: string) => l.split(' ')[1];
    const sorted = (kind: string) => [...new Set(all.filter((l) => l.startsWith(kind)))].sort((a, b) => module(a).localeCompare(module(b)));
    return [...sorted('import '), ...sorted('from ')].join('\n');
  };
  return `${block([...VERIFIER_STDLIB, 'urllib.error', 'urllib.parse', 'urllib.request', ...stdlib])}\n\n${block([...VERIFIER_THIRD_PARTY, ...thirdParty])}`;
}

/** Expects `log` (a logging.Logger) to be defined before it. */
export const PYTHON_VERIFIER = `TOLERANCE_SECONDS = 5 * 60  # Standard Webhooks: reject timestamps more than 5 minutes away
MAX_BODY_BYTES = 5 * 1024 * 1024  # deliveries are small; a larger body is refused (413) before it is read
JWKS_URI = os.environ.get("GEMINI_WEBHOOK_JWKS_URI") or "https://generativelanguage.googleapis.com/.well-known/jwks.json"
AUDIENCE = os.environ.get("GEMINI_WEBHOOK_AUDIENCE") or None


def refuse_to_start(message: str):
    """One line on stderr, then exit status 3: gunicorn reads it as "worker failed to boot" and stops,
    instead of restarting workers that can never start."""
    print(message, file=sys.stderr)
    raise SystemExit(3)


def _secret_keys(value: str) -> list:
    """The HMAC keys: each secret is whsec_<base64> or bare base64 (as the Standard Webhooks libraries
    take them) of at least 16 bytes. The message never repeats a value: it is a secret."""
    keys = []
    for number, secret in enumerate(value.replace(",", " ").split(), 1):
        try:
            key = base64.b64decode(secret[6:] if secret.startswith("whsec_") else secret, validate=True)
        except (ValueError, binascii.Error):
            key = b""
        if len(key) < 16:
            refuse_to_start(f"GEMINI_WEBHOOK_SECRET: value #{number} is not a signing secret (whsec_ and base64 of 16 bytes or more)")
        keys.append(key)
    return keys


SECRET_KEYS = _secret_keys(os.environ.get("GEMINI_WEBHOOK_SECRET", ""))
if not JWKS_URI.startswith(("https://", "http://")):
    refuse_to_start("GEMINI_WEBHOOK_JWKS_URI must be an http(s) URL")
if not SECRET_KEYS:
    log.warning("GEMINI_WEBHOOK_SECRET is not set: static deliveries cannot verify.")
if not AUDIENCE:
    log.warning("GEMINI_WEBHOOK_AUDIENCE is not set: dynamic JWT deliveries are refused (v1a ones need none).")


class Rejected(Exception):
    """A delivery answered with an error status (4xx: never retried as is; 503: Gemini retries later)."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.headers = {"Retry-After": "30"} if status == 503 else {}


TOO_LARGE = f"the body is over {MAX_BODY_BYTES} bytes"


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
    except KeySetUnavailable:
        # A 5xx, so Gemini retries later; the answer names no URL (it may carry a token).
        raise Rejected(503, "cannot verify dynamic deliveries now: the key set cannot be read") from None
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
    """Dynamic deliveries as live ones are signed: v1a,<Ed25519>. The entry names no key, so try each."""
    signatures = []
    for entry in entries:
        if entry.startswith("v1a,"):
            try:
                signatures.append(base64.b64decode(entry[4:], validate=True))
            except (ValueError, binascii.Error):
                pass
    if not signatures:
        return False

    def verify(keys):
        for _, algorithm, key in keys:
            if algorithm != "EdDSA":
                continue
            for sig in signatures:
                try:
                    key.verify(sig, signed)
                    return True
                except InvalidSignature:
                    pass
        return None  # no key of this set: maybe of a newer one

    return KEY_SET.verify_with(verify) is True


_JWT = re.compile(r"[A-Za-z0-9_-]+[.][A-Za-z0-9_-]+[.][A-Za-z0-9_-]*")


def _verify_jwt(token: str, msg_id: str, raw: bytes) -> bool:
    """Dynamic deliveries as Google's guide documents them: a JWT signed by a key of the set, for our audience."""
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError:
        return False

    def decode(keys):
        for key_id, algorithm, key in keys:
            if kid is not None and key_id != kid:
                continue
            try:  # the algorithm comes from our key's type, never from the token
                return jwt.decode(token, key, algorithms=[algorithm], audience=AUDIENCE, options={"verify_aud": AUDIENCE is not None})
            except (jwt.InvalidSignatureError, jwt.InvalidAlgorithmError, jwt.DecodeError):
                continue  # not signed by this key
            except jwt.PyJWTError:
                return False  # signed by it, but expired, for another audience...
        return None  # no key of this set: maybe of a newer one

    claims = KEY_SET.verify_with(decode)
    if not claims:
        return False
    if AUDIENCE is None:
        # Without an audience any token minted by the key set's owner would pass, even one for another service.
        log.warning("%s: a JWT delivery was refused: set GEMINI_WEBHOOK_AUDIENCE to the aud it must carry", msg_id)
        raise Rejected(401, "JWT deliveries need GEMINI_WEBHOOK_AUDIENCE: set it to the aud they carry (your callback URL)")
    # The guide names no other claim: check these only when the token carries them.
    if "jti" in claims and claims["jti"] != msg_id:
        return False
    digest = base64.urlsafe_b64encode(hashlib.sha256(raw).digest()).rstrip(b"=").decode()
    return "body_sha256" not in claims or claims["body_sha256"] == digest


class KeySetUnavailable(Exception):
    pass


class KeySet:
    """The JWKS, fetched when first needed and kept 10 minutes; after a miss (an unknown key: the set may
    have rotated) fetched again at most once per COOLDOWN — and so is a set that cannot be read, so forged
    deliveries never make this handler hammer the key server. One thread fetches; the others wait for its
    result (one fetch, at most a few seconds), never for a queue of fetches. Static deliveries never wait."""

    MAX_AGE = 600
    COOLDOWN = 30
    TIMEOUT = 3
    MAX_BYTES = 256 * 1024

    def __init__(self, uri: str):
        self.uri = uri
        self.keys = None  # [(kid, algorithm, public key)] once a fetch succeeded
        self.loaded_at = float("-inf")
        self.tried_at = float("-inf")
        self.fetching = threading.Lock()

    def verify_with(self, verify):
        """verify(keys) on the current set; when no key of it verified (None), once more on a newer set."""
        if self.keys is None or time.monotonic() - self.loaded_at > self.MAX_AGE:
            self._refresh()
        if self.keys is None:
            raise KeySetUnavailable()
        result = verify(self.keys)
        if result is None:
            before = self.keys
            self._refresh()
            if self.keys is not before:
                result = verify(self.keys)
        return result

    def _refresh(self) -> None:
        tried = self.tried_at
        with self.fetching:
            if self.tried_at != tried or time.monotonic() - self.tried_at < self.COOLDOWN:
                return  # fetched while we waited, or tried too recently (loaded or not)
            self.tried_at = time.monotonic()
            try:
                self.keys = _usable_keys(_fetch_json(self.uri, self.TIMEOUT, self.MAX_BYTES).get("keys"))
                self.loaded_at = time.monotonic()
            except (OSError, ValueError, AttributeError, http.client.HTTPException) as e:
                # Log where without the query (it may carry a token); keep the last good set if there is one.
                shown = urllib.parse.urlsplit(self.uri)._replace(query="", fragment="").geturl()
                log.warning("the key set at %s cannot be read (%s); next try in %d s", shown, _why(e), self.COOLDOWN)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a key set that moved is an error here, not something to follow


def _fetch_json(uri: str, timeout: float, max_bytes: int):
    deadline = time.monotonic() + timeout
    with urllib.request.build_opener(_NoRedirects).open(uri, timeout=timeout) as response:
        raw = b""
        while True:
            chunk = response.read(16384)
            if not chunk:
                break
            raw += chunk
            if len(raw) > max_bytes or time.monotonic() > deadline:
                raise ValueError("too large or too slow")
    return json.loads(raw)


def _why(error: Exception) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code}"
    if isinstance(error, urllib.error.URLError):
        return str(error.reason)
    if isinstance(error, (ValueError, AttributeError)):
        return f"not a key set: {error}"
    return str(error) or type(error).__name__


def _usable_keys(jwks) -> list:
    """(kid, algorithm, key) for each signing key we accept; the algorithm is pinned to the key's type."""
    if not isinstance(jwks, list):
        raise ValueError('no "keys" list')
    keys = []
    for jwk in jwks:
        if not isinstance(jwk, dict) or jwk.get("use", "sig") != "sig":
            continue
        algorithm = {("RSA", None): "RS256", ("EC", "P-256"): "ES256", ("OKP", "Ed25519"): "EdDSA"}.get((jwk.get("kty"), jwk.get("crv")))
        if algorithm is None:
            continue
        try:
            key = jwt.PyJWK(jwk, algorithm).key
        except (jwt.PyJWTError, ValueError, TypeError, KeyError):
            continue
        if algorithm == "RS256" and key.key_size < 2048:
            log.warning("key set: RSA key %s skipped: %d bits, 2048 at least are needed", jwk.get("kid"), key.key_size)
            continue
        keys.append((jwk.get("kid"), algorithm, key))
    return keys


KEY_SET = KeySet(JWKS_URI)`;

/** The user's work, after the 2xx: every processed event logs one line that contains its webhook-id. */
export const PYTHON_HANDLE_EVENT = `def handle_event(msg_id: str, event: dict) -> None:
    """Your work, after the 2xx has been sent. Unknown types are expected: new ones appear over time."""
    data = event.get("data") or {}
    kind = event["type"]
    if kind == "batch.succeeded":
        log.info("%s: batch %s succeeded: %s", msg_id, data.get("id"), data.get("output_file_uri"))
    elif kind in ("batch.failed", "interaction.failed"):
        log.info("%s: %s: %.200s", msg_id, kind, data.get("error_message"))
    elif kind == "video.generated":
        log.info("%s: video ready: %s", msg_id, data.get("video_uri") or data.get("file_name"))
    else:
        log.info("%s: %s", msg_id, kind)`;
