"""Tests of the consultation desk and the published guidance."""
