"""A small closed-loop HTTP load generator for 127.0.0.1: keep-alive connections, fixed time.

``processes`` x ``threads`` clients each hold one keep-alive ``http.client`` connection and send
one GET after another until the time is up (or the request budget is spent). Several processes
keep the generator itself from being held back by one interpreter's GIL. Given several paths, each
client goes through them in turn, each starting at a different one.

    python bench/load.py --port 8000 --path /cases --seconds 10
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import statistics
import threading
import time
from dataclasses import asdict, dataclass

HOST = "127.0.0.1"
HEADERS = {"Accept": "text/html", "Accept-Language": "zh-TW,zh;q=0.9", "User-Agent": "civic-bench"}


@dataclass
class Result:
    path: str
    clients: int
    seconds: float
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_bytes: float


def _client(port: int, paths: list[str], warmup_until: float, stop_at: float, budget: int,
            latencies: list[float], counters: list[int], sizes: list[int], first: int = 0,
            cookie: str | None = None) -> None:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {**HEADERS, "Cookie": cookie} if cookie else HEADERS
    sent = 0
    turn = first
    while sent < budget:
        started = time.perf_counter()
        if started >= stop_at:
            break
        path = paths[turn % len(paths)]
        turn += 1
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=30)
            ok, body = False, b""
        finished = time.perf_counter()
        if started < warmup_until:
            continue  # warm-up: pools, template cache; not counted
        sent += 1
        if ok:
            latencies.append(finished - started)
            sizes.append(len(body))
        else:
            counters[0] += 1
    connection.close()


def _process(port: int, paths: list[str], threads: int, warmup: float, seconds: float, budget: int,
             start_at: float, queue, first: int = 0, cookie: str | None = None) -> None:
    # Every process starts at the same wall-clock moment so the measured windows line up.
    time.sleep(max(0.0, start_at - time.time()))
    now = time.perf_counter()
    warmup_until, stop_at = now + warmup, now + warmup + seconds
    latencies: list[float] = []
    sizes: list[int] = []
    counters = [0]
    workers = [threading.Thread(target=_client, args=(port, paths, warmup_until, stop_at, budget,
                                                      latencies, counters, sizes, first + number * 7919,
                                                      cookie))
               for number in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    queue.put((latencies, counters[0], sizes))


def run(port: int, path: str | list[str], *, processes: int = 2, threads: int = 4, warmup: float = 1.0,
        seconds: float = 10.0, budget: int = 1_000_000, cookie: str | None = None) -> Result:
    """Load ``path`` (or each of a list of paths in turn) for ``seconds`` after ``warmup``;
    ``budget`` caps requests per client; ``cookie``, sent with every request, makes the app serve
    no shared copy, as for someone signed in."""
    paths = [path] if isinstance(path, str) else list(path)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    start_at = time.time() + 1.0  # time for the spawned interpreters to start
    children = [context.Process(target=_process,
                                args=(port, paths, threads, warmup, seconds, budget, start_at, queue,
                                      number * threads * 7919, cookie))
                for number in range(processes)]
    for child in children:
        child.start()
    latencies: list[float] = []
    sizes: list[int] = []
    errors = 0
    for _ in children:
        part, failed, part_sizes = queue.get(timeout=warmup + seconds + 120)
        latencies += part
        sizes += part_sizes
        errors += failed
    for child in children:
        child.join(timeout=10)
    latencies.sort()

    def pct(q: float) -> float:
        return 1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("nan")

    label = path if isinstance(path, str) else f"{len(paths)} paths"
    return Result(path=label, clients=processes * threads, seconds=seconds, requests=len(latencies),
                  errors=errors, rps=len(latencies) / seconds, p50_ms=pct(0.50), p95_ms=pct(0.95),
                  p99_ms=pct(0.99), mean_bytes=statistics.fmean(sizes) if sizes else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    result = run(args.port, args.path, processes=args.processes, threads=args.threads,
                 warmup=args.warmup, seconds=args.seconds)
    print(json.dumps(asdict(result), indent=2))


if __name__ == "__main__":
    main()
