"""200 open chat windows polling the bench server at their normal rate, as a separate process.

`python bench/chat_load.py <port> <seconds between polls> <file of "cookie url" lines>`: each
chat polls once every interval (the first at a random moment within it, so the load is even),
from a pool of threads, a new connection per poll as a browser behind a proxy would; on SIGTERM
it prints one JSON line: polls made, answered 204, answered 200, errors, and the median time.
Started and stopped by bench/chat.py around the runs "with chats"."""

import json
import random
import signal
import statistics
import sys
import threading
import time
from http.client import HTTPConnection

THREADS = 20
stop = threading.Event()
lock = threading.Lock()
tally = {"polls": 0, "204": 0, "200": 0, "errors": 0}
timings: list[float] = []


def _poll(port: int, cookie: str, url: str) -> None:
    started = time.monotonic()
    try:
        conn = HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", url, headers={"Cookie": cookie, "X-Chat-Panel": "1"})
        response = conn.getresponse()
        response.read()
        conn.close()
        status = str(response.status)
    except OSError:
        status = "errors"
    with lock:
        tally["polls"] += 1
        tally[status if status in tally else "errors"] += 1
        timings.append((time.monotonic() - started) * 1000)


def _worker(port: int, interval: float, chats: list[tuple[str, str]]) -> None:
    due = [time.monotonic() + random.uniform(0, interval) for _ in chats]
    while not stop.is_set():
        now = time.monotonic()
        for i, (cookie, url) in enumerate(chats):
            if due[i] <= now:
                _poll(port, cookie, url)
                due[i] += interval
        stop.wait(max(0.0, min(due) - time.monotonic()))


def main() -> None:
    port, interval, path = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
    with open(path, encoding="utf-8") as lines:
        chats = [tuple(line.rstrip("\n").split(" ", 1)) for line in lines if line.strip()]
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    workers = [
        threading.Thread(target=_worker, args=(port, interval, chats[n::THREADS]), daemon=True)
        for n in range(THREADS)
    ]
    for worker in workers:
        worker.start()
    print("ready", flush=True)
    while not stop.is_set():
        stop.wait(0.5)
    for worker in workers:
        worker.join(timeout=12)
    median = statistics.median(timings) if timings else 0.0
    print(json.dumps({**tally, "p50_ms": round(median, 2)}), flush=True)


if __name__ == "__main__":
    main()
