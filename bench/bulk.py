"""The bulk files at one data size: how long `flask exports build` takes to write all of them, and
how fast the built cases.csv and OC4IDS package (and their .gz) come over HTTP from the app under
gunicorn: time to the first byte and to the last, one download at a time. For comparison, the
first byte of the same file made while it is read (a parameter makes the app stream it).

    python bench/bulk.py --port 18080     # with the app running there; builds into EXPORTS_DIR first
"""

from __future__ import annotations

import argparse
import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

HOST = "127.0.0.1"
HEADERS = {"Accept-Language": "zh-TW,zh;q=0.9", "User-Agent": "civic-bench"}
# The files a mirror downloads most; the others are built too but not downloaded here.
DOWNLOADS = ["/api/v1/oc4ids.json", "/api/v1/oc4ids.json.gz", "/api/v1/export/cases.csv",
             "/api/v1/export/cases.csv.gz"]
# A parameter the API accepts on every address: with it the file is made while it is read.
STREAMED = "?lang=zh_Hant_TW"
CHUNK = 1 << 20


def build(root: Path) -> float:
    """Seconds `flask exports build` takes to write every file (and its .gz) from scratch."""
    started = time.monotonic()
    done = subprocess.run([str(Path(sys.executable).parent / "flask"), "--app", "civic", "exports", "build"],  # noqa: S603
                          cwd=root, env=os.environ, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"flask exports build failed:\n{done.stdout}{done.stderr}")
    return time.monotonic() - started


def download(port: int, path: str, *, whole: bool = True) -> dict:
    """Milliseconds to the first byte of the body and seconds to its last, and its size."""
    connection = http.client.HTTPConnection(HOST, port, timeout=600)
    try:
        started = time.monotonic()
        connection.request("GET", path, headers=HEADERS)
        response = connection.getresponse()
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
        size = len(response.read(1))
        first = time.monotonic() - started
        if whole:
            while chunk := response.read(CHUNK):
                size += len(chunk)
        total = time.monotonic() - started
        served = "file" if response.getheader("ETag") else "stream"
    finally:
        connection.close()
    return {"path": path, "served": served, "first_byte_ms": first * 1000, "seconds": total if whole else None,
            "bytes": size if whole else None}


def measure(port: int, root: Path, size: int, log=print) -> tuple[float, list[dict]]:
    """Build the files, then download each of DOWNLOADS whole, and the first byte of two streamed."""
    seconds = build(root)
    log(f"  bulk files built in {seconds:.1f} s")
    rows = []
    for path in DOWNLOADS:
        row = download(port, path) | {"cases": size}
        log(f"  {path:<28} first byte {row['first_byte_ms']:8.1f} ms, whole {row['seconds']:7.2f} s, "
            f"{row['bytes'] / 1e6:8.1f} MB ({row['served']})")
        rows.append(row)
    for path in ("/api/v1/oc4ids.json", "/api/v1/export/cases.csv"):
        row = download(port, path + STREAMED, whole=False) | {"cases": size}
        log(f"  {path + STREAMED:<28} first byte {row['first_byte_ms']:8.1f} ms ({row['served']})")
        rows.append(row)
    return seconds, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18080)
    parser.add_argument("--cases", type=int, default=0, help="the number of cases, for the report")
    args = parser.parse_args()
    measure(args.port, Path(__file__).resolve().parent.parent, args.cases)


if __name__ == "__main__":
    main()
