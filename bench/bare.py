"""The bare ceiling: a Flask app that answers every path with one static HTML body.

The body is ``BENCH_BARE_BYTES`` bytes long (the size of the measured /cases page), so the
only difference from the real pages is the work the application does to make them.

    BENCH_BARE_BYTES=40000 gunicorn -k gthread --workers 2 --threads 4 bench.bare:app
"""

from __future__ import annotations

import os

from flask import Flask, Response


def body_of(size: int) -> bytes:
    head = b"<!DOCTYPE html>\n<html lang=\"zh-Hant-TW\"><head><title>bare</title></head><body><p>"
    tail = b"</p></body></html>\n"
    return head + b"x" * max(0, size - len(head) - len(tail)) + tail


BODY = body_of(int(os.environ.get("BENCH_BARE_BYTES", "40000")))

app = Flask(__name__)


@app.get("/", defaults={"path": ""})
@app.get("/<path:path>")
def page(path: str) -> Response:
    return Response(BODY, mimetype="text/html")
