"""The Government Procurement Act's 巨額 (very large) procurement thresholds.

An integrity platform is meant for very large procurements: works from NTD 200 million,
goods from 100 million, services from 20 million (巨額採購之金額, configurable in
CASE_THRESHOLDS_NTD). An application below the threshold is allowed but flagged, so the
authority sees why the agency thinks a platform is needed anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class ThresholdCheck:
    kind: str
    threshold_ntd: int
    value_ntd: int | None

    @property
    def is_met(self) -> bool:
        return self.value_ntd is not None and self.value_ntd >= self.threshold_ntd


def check_threshold(kind: str, value_ntd: int | None) -> ThresholdCheck:
    """Compare a budget with the very-large threshold of its procurement kind."""
    thresholds: dict[str, int] = current_app.config["CASE_THRESHOLDS_NTD"]
    return ThresholdCheck(kind=kind, threshold_ntd=thresholds[kind], value_ntd=value_ntd)
