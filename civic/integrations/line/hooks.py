"""Wiring LINE notices into the app when it is made: the session hook that copies notices to the LINE
channel, and the LINE sender that ``mail send`` runs after the mail."""

from __future__ import annotations

from flask import Flask

from civic.integrations.line import delivery, fanout


def init_app(app: Flask) -> None:
    fanout.install()
    delivery.register(app)
