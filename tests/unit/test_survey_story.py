"""The results headline: strengths, focus areas and changes, picked without Streamlit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from dashboard.surveys.story import headline, previous_scores
from data_access.surveys import TrendPoint, WaveOption


@dataclass
class D:  # the fields of surveys.DriverResult that the headline reads
    driver: str
    score: float | None
    org_score: float | None = None
    hidden: str | None = None


def test_strengths_and_focus_stand_out_even_when_every_driver_is_in_one_band():
    drivers = [D("belonging", 41), D("satisfaction", 45), D("growth", 38), D("manager", 52),
               D("recognition", 30), D("wellbeing", 44)]
    found = headline(drivers, {}, compared=False)
    assert found.strengths == [("manager", 52), ("satisfaction", 45)]
    assert found.focus == [("recognition", 30), ("growth", 38)]
    assert not found.has_previous and found.rise is None and found.fall is None


def test_changes_since_the_previous_wave_and_gaps_to_the_organisation():
    drivers = [D("belonging", 70, 60), D("satisfaction", 55, 58), D("growth", 50, 65),
               D("manager", 66, 64, hidden=None), D("recognition", None, 50, "below_k")]
    previous = {"belonging": 62, "satisfaction": 56, "growth": 57, "manager": 65.5}
    found = headline(drivers, previous, compared=True)
    assert found.rise == ("belonging", 8) and found.fall == ("growth", -7)
    assert found.above_org == ("belonging", 10) and found.below_org == ("growth", -15)
    assert "recognition" not in {d for d, _ in found.strengths + found.focus}
    quiet = headline(drivers, {"belonging": 69, "growth": 51}, compared=False)
    assert quiet.has_previous and quiet.rise is None and quiet.fall is None
    assert quiet.above_org is None  # not the viewer's to compare


def test_nothing_to_rank_gives_no_headline():
    assert headline([D("belonging", 70), D("growth", None, hidden="below_k")], {}, False) \
        is None


def test_the_previous_wave_is_the_last_closed_one_before_the_chosen_wave():
    def at(day):
        return datetime(2026, 10, day, tzinfo=UTC)

    points = [TrendPoint(1, 1, at(1), "belonging", 50, None),
              TrendPoint(2, 2, at(8), "belonging", 60, None),
              TrendPoint(2, 2, at(8), "growth", None, "below_k"),
              TrendPoint(2, 2, at(8), "enps", 10, None),
              TrendPoint(3, 3, at(15), "belonging", 70, None)]
    wave = WaveOption(3, 1, 3, "نبض", None, at(8), at(15), "closed", 5, 10)
    assert previous_scores(points, wave) == {"belonging": 60}
    first = WaveOption(1, 1, 1, "نبض", None, at(1), at(1), "closed", 5, 10)
    assert previous_scores(points, first) == {}
