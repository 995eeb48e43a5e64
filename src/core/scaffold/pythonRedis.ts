/**
 * The Python scaffolds' `--store redis` variant, as Python text (the design every scaffold shares:
 * docs/handler.md, "Deploying"): the dedupe mark and the work queue live in Redis — a Stream read by a
 * consumer group, one consumer per process — so several workers and instances process each event once.
 * Flask uses redis-py's blocking client and a consumer thread; FastAPI redis.asyncio and a task started
 * in the app's lifespan. Both need redis-py 4.2+ (Debian 12: python3-redis 4.3.4) and Redis 6.2+.
 */

/** Configuration, the enqueue script and the outage log; expects `refuse_to_start` and `log`. */
export const PYTHON_REDIS_SETUP = `# The store: Redis, shared by every worker and instance.
REDIS_URL = os.environ.get("GEMINI_WEBHOOK_REDIS_URL")
if not REDIS_URL:
    refuse_to_start("GEMINI_WEBHOOK_REDIS_URL is not set: this handler keeps its dedupe and queue in Redis (e.g. redis://127.0.0.1:6379)")
PREFIX = os.environ.get("GEMINI_WEBHOOK_REDIS_PREFIX") or "gemini-webhooks"
STREAM, GROUP = f"{PREFIX}:events", PREFIX
SEEN_SECONDS = 25 * 3600  # a webhook-id is remembered past Gemini's 24 hours of retries
try:
    CLAIM_IDLE_MS = int(os.environ.get("GEMINI_WEBHOOK_CLAIM_IDLE_MS") or 60000)
except ValueError:
    refuse_to_start("GEMINI_WEBHOOK_CLAIM_IDLE_MS must be a whole number of milliseconds")
# Entries a dead consumer left unacknowledged for CLAIM_IDLE_MS are claimed by a live one; look this often.
CLAIM_EVERY_MS = max(500, min(5000, CLAIM_IDLE_MS // 2))

# One script, so it runs at once: a webhook-id seen before adds nothing (nil: a duplicate); a new one
# adds its event, then its mark — never a mark without its event. The stream is never trimmed: it holds
# only events not processed yet, and trimming could drop one.
ENQUEUE = """
if redis.call('EXISTS', KEYS[2]) == 1 then return false end
local id = redis.call('XADD', KEYS[1], '*', 'webhook_id', ARGV[1], 'type', ARGV[2], 'body', ARGV[3])
redis.call('SET', KEYS[2], id, 'EX', ARGV[4])
return id
"""


def enqueue_keys(msg_id: str) -> list:
    return [STREAM, f"{PREFIX}:seen:{msg_id}"]


class Outage:
    """One log line when Redis goes away and one when it is back, not one per attempt."""

    def __init__(self, meanwhile: str):
        self.meanwhile = meanwhile
        self.down = False

    def failed(self, error: Exception) -> None:
        if not self.down:
            self.down = True
            log.warning("Redis cannot be reached (%s): %s", str(error) or type(error).__name__, self.meanwhile)

    def recovered(self) -> None:
        if self.down:
            self.down = False
            log.info("Redis is back")


def consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{os.urandom(3).hex()}"`;

/**
 * The delivery side's client and the consumer, in the blocking form (Flask: redis-py's client, the
 * consumer in a thread) or the asyncio one (FastAPI: redis.asyncio, the consumer a task that runs the
 * user's work in a worker thread). The same code otherwise, so both behave alike.
 */
function redisClientAndConsumer(mode: 'sync' | 'async'): string {
  const async = mode === 'async';
  const client = async ? 'redis.asyncio.Redis' : 'redis.Redis';
  const def = async ? 'async def' : 'def';
  const aw = async ? 'await ' : '';
  const sleep = async ? 'await asyncio.sleep' : 'time.sleep';
  const work = async
    ? `# In a worker thread: your work may block, the event loop must not.
        await run_in_threadpool(handle_event, msg_id, json.loads(fields[b"body"]))`
    : 'handle_event(msg_id, json.loads(fields[b"body"]))';
  return `# Deliveries use short timeouts: a Redis that does not answer costs the sender a 503 within seconds.
store = ${client}.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
enqueue = store.register_script(ENQUEUE)
enqueue_outage = Outage("deliveries are answered 503 until it is back, and Gemini retries them")


${def} consume() -> None:
    """This process's consumer of the stream: it processes new entries, and claims those a dead consumer
    left unacknowledged. Redis going away never ends it: it waits and tries again."""
    # Its own connection: its reads block for seconds, and deliveries must not wait behind them.
    client = ${client}.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=CLAIM_EVERY_MS / 1000 + 5)
    name = consumer_name()
    outage = Outage("events wait in the stream until it is back")
    need_group, next_claim, delay = True, 0.0, 0.5
    while True:
        try:
            if need_group:  # at start, and when Redis came back empty
                try:
                    ${aw}client.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
                except redis.ResponseError as e:
                    if "BUSYGROUP" not in str(e):
                        raise
                need_group = False
            if time.monotonic() >= next_claim:
                ${aw}claim(client, name)
                next_claim = time.monotonic() + CLAIM_EVERY_MS / 1000
            for _, entries in ${aw}client.xreadgroup(GROUP, name, {STREAM: ">"}, count=10, block=CLAIM_EVERY_MS) or []:
                for entry_id, fields in entries:
                    ${aw}process(client, entry_id, fields)
            outage.recovered()
            delay = 0.5
        except redis.ResponseError as e:
            if not str(e).startswith("NOGROUP"):
                log.warning("Redis refused a command: %s", e)
                ${sleep}(5)
            need_group = True
        except redis.RedisError as e:
            outage.failed(e)
            ${sleep}(delay)
            delay = min(delay * 2, 5)
        except Exception:  # never let the consumer die: events would pile up unprocessed
            log.exception("the Redis consumer failed; it starts again")
            ${sleep}(5)


${def} claim(client, name: str) -> None:
    start = "0-0"
    while True:
        reply = ${aw}client.xautoclaim(STREAM, GROUP, name, CLAIM_IDLE_MS, start, count=10)
        start, entries = reply[0], [e for e in reply[1] if e[1]]
        if entries:
            log.info("claimed %d event(s) a stopped consumer left", len(entries))
        for entry_id, fields in entries:
            ${aw}process(client, entry_id, fields)
        if start in (b"0-0", "0-0"):
            return


${def} process(client, entry_id, fields) -> None:
    msg_id = fields.get(b"webhook_id", b"").decode(errors="replace")
    try:
        ${work}
    except Exception:  # your code failed: log it and go on (left pending, it would be claimed forever)
        log.exception("%s: handling failed", msg_id)
    # Done: acknowledged and out of the stream, which holds only what is still to do.
    ${aw}client.pipeline().xack(STREAM, GROUP, entry_id).xdel(STREAM, entry_id).execute()`;
}

/** Flask: the blocking client, and a consumer thread per serving process. */
export const PYTHON_REDIS_SYNC = `${redisClientAndConsumer('sync')}


class ConsumerThread:
    """Runs consume() in a thread, started by the first request of each process that serves: gunicorn
    --preload imports this module in its master and forks the workers, and a thread does not survive a fork."""

    def __init__(self):
        self.pid = None
        self.lock = threading.Lock()

    def start_once(self) -> None:
        if self.pid != os.getpid():
            with self.lock:
                if self.pid != os.getpid():
                    self.pid = os.getpid()
                    threading.Thread(target=consume, name="gemini-webhook-consumer", daemon=True).start()


consumer = ConsumerThread()`;

/** FastAPI: redis.asyncio, and one consumer task per worker process (started in the lifespan). */
export const PYTHON_REDIS_ASYNC = redisClientAndConsumer('async');
