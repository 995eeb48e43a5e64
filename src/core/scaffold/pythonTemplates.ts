/**
 * The Python handler scaffolds: Flask and FastAPI, one file each (`gemini_webhook.py`), in two
 * variants: `memory` (one process: the dedupe and the work queue in memory) and `redis` (any number of
 * workers and instances: both in Redis, pythonRedis.ts). Every file starts with how to install, run,
 * deploy and check it — the "Check it" lines, pasted as written, pass every probe check — then the
 * shared verifier (pythonVerifier.ts), then what the framework and the store need.
 */
import { PYTHON_HANDLE_EVENT, PYTHON_VERIFIER, pythonImports } from './pythonVerifier';
import { PYTHON_REDIS_ASYNC, PYTHON_REDIS_SETUP, PYTHON_REDIS_SYNC } from './pythonRedis';
import { DEFAULT_PROBE_JWKS_PORT, PROBE_JWKS_PATH } from '../probe/keyServer';

export type PythonStore = 'memory' | 'redis';
type PythonFramework = 'flask' | 'fastapi';

/** Where the scaffolds listen when run as their header says. */
export const PYTHON_LOCAL_URL = 'http://127.0.0.1:8000/gemini-callback';
/** The Redis the headers' examples name. */
const EXAMPLE_REDIS_URL = 'redis://127.0.0.1:6379';
const PROBE_KEY_SET = `http://127.0.0.1:${DEFAULT_PROBE_JWKS_PORT}${PROBE_JWKS_PATH}`;

const SERVE: Record<PythonFramework, string> = {
  flask: 'python3 -m flask --app gemini_webhook run --port 8000',
  fastapi: 'python3 -m uvicorn gemini_webhook:app --port 8000',
};

/** How to run each one locally (development servers, one process). */
export function pythonRunLine(framework: PythonFramework, store: PythonStore): string {
  return `GEMINI_WEBHOOK_SECRET=whsec_...${store === 'redis' ? ` GEMINI_WEBHOOK_REDIS_URL=${EXAMPLE_REDIS_URL}` : ''} ${SERVE[framework]}`;
}

/** The same, pointed at the probe's key set and audience: then `gemini-webhooks probe ... --dynamic` passes every check. */
export function pythonCheckRunLine(framework: PythonFramework, store: PythonStore): string {
  const env = [
    'GEMINI_WEBHOOK_SECRET=whsec_...',
    `GEMINI_WEBHOOK_JWKS_URI=${PROBE_KEY_SET}`,
    `GEMINI_WEBHOOK_AUDIENCE=${PYTHON_LOCAL_URL}`,
    ...(store === 'redis' ? [`GEMINI_WEBHOOK_REDIS_URL=${EXAMPLE_REDIS_URL}`] : []),
  ];
  return `${env.join(' ')} ${SERVE[framework]}`;
}

/** The pip packages (and Debian's) each variant needs. */
export function pythonPackages(framework: PythonFramework, store: PythonStore): { pip: string[]; debian: string[] } {
  const redis = store === 'redis';
  const pip = framework === 'flask' ? ['flask'] : ['fastapi', 'uvicorn'];
  const debian = framework === 'flask' ? ['python3-flask'] : ['python3-fastapi', 'python3-uvicorn'];
  return {
    pip: [...pip, 'PyJWT', 'cryptography', ...(redis ? ['redis'] : [])],
    debian: [...debian, 'python3-jwt', 'python3-cryptography', ...(redis ? ['python3-redis'] : [])],
  };
}

function header(framework: PythonFramework, store: PythonStore): string {
  const name = framework === 'flask' ? 'Flask' : 'FastAPI';
  const { pip, debian } = pythonPackages(framework, store);
  const redisEnv = store === 'redis' ? ` GEMINI_WEBHOOK_REDIS_URL=${EXAMPLE_REDIS_URL}` : '';
  const deploy =
    framework === 'flask'
      ? store === 'memory'
        ? [
            '# flask run is for development. In production (pip install gunicorn), one process with threads:',
            '#   python3 -m gunicorn --threads 8 -b 127.0.0.1:8000 gemini_webhook:app',
            '# One process only: the dedupe and the work queue live in memory. For several workers (gunicorn -w N),',
            '# instances or a serverless host, write it with: gemini-webhooks init-handler flask --store redis',
          ]
        : [
            '# flask run is for development. In production (pip install gunicorn), any number of workers:',
            `#   GEMINI_WEBHOOK_SECRET=whsec_...${redisEnv} python3 -m gunicorn -w 4 -b 127.0.0.1:8000 gemini_webhook:app`,
            '# The dedupe and the work queue live in Redis, shared by every worker and instance (--preload is fine:',
            '# each worker starts its own consumer with its first request).',
          ]
      : store === 'memory'
        ? [
            '# One process only: the dedupe lives in memory and the work runs after each answer (BackgroundTasks).',
            '# For several workers (uvicorn --workers N), instances or a serverless host, write it with:',
            '#   gemini-webhooks init-handler fastapi --store redis',
          ]
        : [
            '# In production, any number of workers:',
            `#   GEMINI_WEBHOOK_SECRET=whsec_...${redisEnv} python3 -m uvicorn gemini_webhook:app --workers 4 --port 8000`,
            '# The dedupe and the work queue live in Redis, shared by every worker and instance (each worker',
            "# starts its own consumer in the app's lifespan).",
          ];
  return [
    `# gemini_webhook.py: a Gemini API webhook handler (${name}), written by gemini-webhooks.`,
    '# Run it (it answers POST /gemini-callback):',
    `#   pip install ${pip.join(' ')}`,
    `#     (Debian: apt install ${debian.join(' ')})`,
    `#   ${pythonRunLine(framework, store)}`,
    '#   or: python3 gemini_webhook.py            (listens on PORT, default 8000)',
    ...deploy,
    `# Check it (two terminals; the probe serves its own key set on port ${DEFAULT_PROBE_JWKS_PORT}):`,
    `#   ${pythonCheckRunLine(framework, store)}`,
    `#   gemini-webhooks probe ${PYTHON_LOCAL_URL} --secret whsec_... --dynamic`,
    '# Environment:',
    '#   GEMINI_WEBHOOK_SECRET    the signing secret(s), separated by spaces or commas (during a rotation: the new',
    '#                            and the previous one): whsec_<base64> or bare base64',
    "#   GEMINI_WEBHOOK_JWKS_URI  key set of dynamic (webhook_config) deliveries (default Google's)",
    '#   GEMINI_WEBHOOK_AUDIENCE  the aud of dynamic JWT deliveries (your callback URL or client id); unset, they',
    '#                            are refused (v1a ones need none)',
    ...(store === 'redis'
      ? [
          '#   GEMINI_WEBHOOK_REDIS_URL      the Redis every worker shares (redis://[:password@]host:6379[/db], rediss:// for TLS)',
          '#   GEMINI_WEBHOOK_REDIS_PREFIX   the prefix of its keys (default gemini-webhooks), for several apps on one Redis',
          "#   GEMINI_WEBHOOK_CLAIM_IDLE_MS  a stopped worker's unfinished events go to another after this long (default 60000)",
        ]
      : []),
  ].join('\n');
}

const MEMORY_DEDUPE = `class Dedupe:
    """Deliveries come at least once: remember accepted webhook-ids (retries span 24 hours). In this process
    only: several workers or instances need the Redis variant (init-handler --store redis)."""

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
            self.seen[msg_id] = now
            return True


dedupe = Dedupe()`;

const FLASK_WORKER = `class Worker:
    """Answer at once, work afterwards: accepted events wait in a queue for one thread. Started by the first
    event of each process that serves: gunicorn --preload imports this module in its master and forks the
    workers, and a thread does not survive a fork."""

    def __init__(self):
        self.pid = None
        self.lock = threading.Lock()

    def submit(self, msg_id: str, event: dict) -> None:
        if self.pid != os.getpid():
            with self.lock:
                if self.pid != os.getpid():
                    self.queue = queue.Queue()
                    threading.Thread(target=self.run, name="gemini-webhook-worker", daemon=True).start()
                    self.pid = os.getpid()
        self.queue.put((msg_id, event))

    def run(self) -> None:
        while True:
            msg_id, event = self.queue.get()
            try:
                handle_event(msg_id, event)
            except Exception:  # keep the worker alive
                log.exception("%s: handling failed", msg_id)


worker = Worker()`;

const FLASK_READ_BODY = `def read_body() -> bytes:
    """The raw bytes, never a parsed body (the signature covers them as sent) — refused (413) past
    MAX_BODY_BYTES before they are all read: Werkzeug 2.2's get_data() reads any size into memory."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise Rejected(413, TOO_LARGE)
    body = bytearray()
    while True:
        chunk = request.stream.read(65536)
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise Rejected(413, TOO_LARGE)`;

const FASTAPI_READ_BODY = `async def read_body(request: Request) -> bytes:
    """The raw bytes, never a parsed body (the signature covers them as sent) — refused (413) past
    MAX_BODY_BYTES before they are all read: request.body() reads any size into memory."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise Rejected(413, TOO_LARGE)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise Rejected(413, TOO_LARGE)
    return bytes(body)`;

const REDIS_UNAVAILABLE = '"cannot queue the event now: retry later"';

export function flaskHandler(store: PythonStore = 'memory'): string {
  const redis = store === 'redis';
  return `${header('flask', store)}
${pythonImports(redis ? ['socket'] : ['queue', 'from collections import OrderedDict'], [
  ...(redis ? ['import redis  # redis-py'] : []),
  'from flask import Flask, jsonify, request',
])}

logging.basicConfig(level=logging.INFO)
log = logging.getLogger("gemini_webhook")

${PYTHON_VERIFIER}


${PYTHON_HANDLE_EVENT}


${redis ? `${PYTHON_REDIS_SETUP}\n\n\n${PYTHON_REDIS_SYNC}` : `${MEMORY_DEDUPE}\n\n\n${FLASK_WORKER}`}

app = Flask(__name__)
${redis ? '\n\n@app.before_request\ndef start_consumer() -> None:\n    consumer.start_once()\n' : ''}

${FLASK_READ_BODY}


@app.post("/gemini-callback")
def gemini_callback():
    try:
        raw = read_body()
        msg_id, event = verify_delivery(request.headers, raw)
    except Rejected as r:
        return jsonify(error=r.reason), r.status, r.headers
${
  redis
    ? `    try:
        added = enqueue(keys=enqueue_keys(msg_id), args=[msg_id, event["type"], raw, SEEN_SECONDS])
    except redis.RedisError as e:
        enqueue_outage.failed(e)
        return jsonify(error=${REDIS_UNAVAILABLE}), 503, {"Retry-After": "10"}  # a 5xx: Gemini retries
    enqueue_outage.recovered()
    # A 2xx only now that the event is in Redis: whatever happens to this process, a consumer processes it.
    return jsonify(status="received" if added else "duplicate"), 200`
    : `    if not dedupe.first_time(msg_id):
        return jsonify(status="duplicate"), 200  # a retry: already accepted, not processed again
    worker.submit(msg_id, event)
    return jsonify(status="received"), 200  # Gemini wants a 2xx within seconds`
}


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
`;
}

export function fastapiHandler(store: PythonStore = 'memory'): string {
  const redis = store === 'redis';
  return `${header('fastapi', store)}
${pythonImports(redis ? ['asyncio', 'socket', 'from contextlib import asynccontextmanager'] : ['from collections import OrderedDict'], [
  ...(redis ? ['import redis.asyncio  # redis-py'] : []),
  `from fastapi import ${redis ? '' : 'BackgroundTasks, '}FastAPI, Request`,
  'from fastapi.concurrency import run_in_threadpool',
  'from fastapi.responses import JSONResponse',
])}

# A child of uvicorn's logger: these lines print once, in uvicorn's format and at its --log-level
# (logging.basicConfig would print every uvicorn line twice).
log = logging.getLogger("uvicorn.error.gemini_webhook")

${PYTHON_VERIFIER}


${PYTHON_HANDLE_EVENT}


${
  redis
    ? `${PYTHON_REDIS_SETUP}


${PYTHON_REDIS_ASYNC}


@asynccontextmanager
async def lifespan(app):
    consumer = asyncio.create_task(consume())  # one consumer per worker process
    yield
    consumer.cancel()


app = FastAPI()
# What FastAPI(lifespan=lifespan) does from 0.93 on; this way it also works on 0.92 (Debian 12's).
app.router.lifespan_context = lifespan`
    : `${MEMORY_DEDUPE}


app = FastAPI()`
}


${FASTAPI_READ_BODY}


@app.post("/gemini-callback")
async def gemini_callback(request: Request${redis ? '' : ', background: BackgroundTasks'}):
    try:
        raw = await read_body(request)
        # In a worker thread: verifying may fetch the key set, which blocks.
        msg_id, event = await run_in_threadpool(verify_delivery, request.headers, raw)
    except Rejected as r:
        return JSONResponse({"error": r.reason}, status_code=r.status, headers=r.headers)
${
  redis
    ? `    try:
        added = await enqueue(keys=enqueue_keys(msg_id), args=[msg_id, event["type"], raw, SEEN_SECONDS])
    except redis.RedisError as e:
        enqueue_outage.failed(e)
        return JSONResponse({"error": ${REDIS_UNAVAILABLE}}, status_code=503, headers={"Retry-After": "10"})  # Gemini retries
    enqueue_outage.recovered()
    # A 2xx only now that the event is in Redis: whatever happens to this process, a consumer processes it.
    return {"status": "received" if added else "duplicate"}`
    : `    if not dedupe.first_time(msg_id):
        return {"status": "duplicate"}  # a retry: already accepted, not processed again
    background.add_task(handle_event, msg_id, event)  # runs after the response is sent
    return {"status": "received"}  # Gemini wants a 2xx within seconds`
}


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
`;
}
