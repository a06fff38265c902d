"""KPI status: how a value stands against its thresholds. Pure; no database.

Every KPI (built-in or custom) has a direction (higher or lower is better), a
target (the line drawn on charts) and two thresholds: `amber` and `red`.
For higher-is-better:  value >= amber → on track; red <= value < amber → at
risk; value < red → off track. Lower-is-better mirrors it (value <= amber is on
track; amber < value <= red at risk; above red off track). A KPI with no
thresholds (or no value) has no status. Validity: for higher-is-better
red <= amber <= target; for lower-is-better target <= amber <= red.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["DIRECTIONS", "STATUSES", "Direction", "Status", "check_thresholds", "status"]

Direction = Literal["higher", "lower"]
DIRECTIONS: tuple[Direction, ...] = ("higher", "lower")
Status = Literal["on_track", "at_risk", "off_track"]
STATUSES: tuple[Status, ...] = ("on_track", "at_risk", "off_track")


def status(value: float | None, direction: Direction, amber: float | None,
           red: float | None) -> Status | None:
    """The status of `value`; None when there is no value or no thresholds."""
    if value is None or amber is None or red is None:
        return None
    if direction == "higher":
        if value >= amber:
            return "on_track"
        return "at_risk" if value >= red else "off_track"
    if value <= amber:
        return "on_track"
    return "at_risk" if value <= red else "off_track"


def check_thresholds(direction: Direction, target: float | None, amber: float | None,
                     red: float | None) -> str | None:
    """None when the thresholds are consistent, else the reason (a locale key
    under "kpis.error.")."""
    if direction not in DIRECTIONS:
        return "kpis.error.direction"
    if (amber is None) != (red is None):
        return "kpis.error.thresholds_pair"
    values = [v for v in (red, amber, target) if v is not None] if direction == "higher" \
        else [v for v in (target, amber, red) if v is not None]
    if values != sorted(values):
        return "kpis.error.thresholds_order"
    return None
