"""Demo KPI values look like figures people report: a trend, a season and noise that
carries over, not a zigzag of independent draws; seeded; within each unit's range."""

from __future__ import annotations

import random
import statistics

import pytest

from data_access import demo_kpis
from data_access.kpis.periods import Period

KEYS = ("name_fa", "name_en", "unit", "decimals", "direction", "target", "amber", "red",
        "frequency", "aggregation", "entered_by", "reporters", "spread")
CITIZENS = dict(zip(KEYS, demo_kpis.NAMED[0], strict=True))
LAST = Period("month", 1405, 8)
THREE_YEARS = [LAST.shift(-n) for n in range(35, -1, -1)]


def _department(seed: int, spec: dict = CITIZENS, struggling: bool = False,
                periods: list[Period] = THREE_YEARS) -> list[float]:
    rng = random.Random(seed)
    season = demo_kpis.season_of(rng, spec)
    level = demo_kpis.standing(rng, spec, struggling)
    return demo_kpis.series(rng, spec, season, level, periods, improving=not struggling)


def _detrended(values: list[float]) -> list[float]:
    n, mean = len(values), statistics.mean(values)
    middle = (n - 1) / 2
    slope = sum((x - middle) * (y - mean) for x, y in enumerate(values)) / sum(
        (x - middle) ** 2 for x in range(n))
    return [y - mean - slope * (x - middle) for x, y in enumerate(values)]


def test_the_same_seed_gives_the_same_values():
    assert _department(3) == _department(3)
    assert _department(3) != _department(4)


def test_a_month_follows_on_from_the_one_before():
    """Independent draws around the target jumped most of a spread each month and had
    no memory (lag-one autocorrelation near zero)."""
    spread = CITIZENS["spread"]
    many = [_department(seed) for seed in range(20)]
    steps = [statistics.median(abs(b - a) for a, b in zip(v, v[1:], strict=False)) / spread
             for v in many]
    assert statistics.median(steps) < 0.45, steps
    memory = []
    for values in many:
        rest = _detrended(values)
        memory.append(sum(a * b for a, b in zip(rest, rest[1:], strict=False))
                      / sum(a * a for a in rest))
    assert statistics.mean(memory) > 0.3, memory


def test_a_kpi_has_a_season():
    """The same month a year apart is closer than months half a year apart."""
    many = [_department(seed) for seed in range(20)]
    year = statistics.mean(statistics.mean(abs(v[t + 12] - v[t]) for t in range(24))
                           for v in many)
    half = statistics.mean(statistics.mean(abs(v[t + 6] - v[t]) for t in range(24))
                           for v in many)
    assert year < 0.75 * half, (year, half)


@pytest.mark.parametrize("spec", demo_kpis._specs("L")[:16], ids=lambda s: s["name_en"])
def test_values_stay_within_what_the_unit_allows(spec):
    quarterly = spec["frequency"] == "quarter"
    last = LAST.quarter() if quarterly else LAST
    periods = [last.shift(-n) for n in range(11 if quarterly else 35, -1, -1)]
    for seed in range(10):
        for struggling in (False, True):
            values = _department(seed, spec, struggling, periods)
            assert len(values) == len(periods) and min(values) >= 0
            if spec["unit"] == "percent":
                assert max(values) <= 100
            if spec["unit"] == "count":
                assert all(v == int(v) for v in values)
            if spec["unit"] in ("hours", "days"):
                assert min(values) > 0


def test_a_struggling_department_lies_on_both_sides_of_its_red_line():
    """So its statuses vary between at risk and off track, as the status map shows."""
    from data_access.kpis.rules import status

    seen = set()
    for seed in range(5):
        seen |= {status(v, "higher", CITIZENS["amber"], CITIZENS["red"])
                 for v in _department(seed, struggling=True)}
    assert {"at_risk", "off_track"} <= seen
