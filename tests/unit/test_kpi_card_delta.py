"""A KPI card's change is judged as it is shown: one that rounds to nothing at the KPI's
decimals is grey with no arrow, not a red "↓0" beside an unchanged value."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from dashboard.kpis.cards import _delta


def _card(change: float, decimals: int = 0, direction: str = "higher"):
    kpi = SimpleNamespace(decimals=decimals, unit="count", direction=direction)
    return SimpleNamespace(change=change, suppressed=False, kpi=kpi)


def _viewer(lang: str):
    return SimpleNamespace(lang=lang, t=lambda key, **_: key)


@pytest.mark.parametrize("lang", ["fa", "en"])
@pytest.mark.parametrize("change", [-0.004, 0.0, 0.3, -0.49])
def test_a_change_that_rounds_to_nothing_is_no_change(lang, change):
    shown = _delta(_card(change), _viewer(lang))
    assert shown["delta_color"] == "gray" and shown["delta_arrow"] == "off"
    assert shown["delta"] == ("۰" if lang == "fa" else "0")


@pytest.mark.parametrize(("change", "direction", "colour", "arrow"), [
    (2.0, "higher", "green", "up"), (-2.0, "higher", "red", "down"),
    (-2.0, "lower", "green", "down"), (0.6, "lower", "red", "up")])
def test_a_real_change_is_coloured_by_the_kpis_direction(change, direction, colour, arrow):
    shown = _delta(_card(change, direction=direction), _viewer("fa"))
    assert (shown["delta_color"], shown["delta_arrow"]) == (colour, arrow)


def test_decimals_keep_a_small_change():
    shown = _delta(_card(-0.06, decimals=1), _viewer("en"))
    assert shown["delta_color"] == "red" and shown["delta"].endswith("0.1")
