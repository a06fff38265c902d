"""The results page's headline: what stands out, in plain sentences, before any table.

`headline` is pure (tested without Streamlit): from a group's visible driver scores,
the organisation's and the previous closed wave's, it picks the strengths and focus
areas (relative to each other, so they stand out even when every driver sits in the
same band), the biggest rise and fall since the previous wave, and the clearest gaps
to the organisation. `show` says them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from dashboard.formatting import format_number, format_signed
from dashboard.surveys import reads
from dashboard.surveys.viewer import Viewer
from dashboard.ui import read_or_explain, t
from data_access import surveys

# A change smaller than this (in score points) is noise, not news.
NOTABLE = 2.0


@dataclass(frozen=True)
class Headline:
    strengths: list[tuple[str, float]]  # (driver, score), best first
    focus: list[tuple[str, float]]  # (driver, score), weakest first
    rise: tuple[str, float] | None  # (driver, change since the previous wave)
    fall: tuple[str, float] | None
    has_previous: bool
    above_org: tuple[str, float] | None  # (driver, score minus the organisation's)
    below_org: tuple[str, float] | None


def headline(drivers: Sequence[surveys.DriverResult], previous: dict[str, float],
             compared: bool) -> Headline | None:
    """None when fewer than two drivers are shown (nothing to rank)."""
    shown = sorted(((d.driver, d.score) for d in drivers
                    if not d.hidden and d.score is not None), key=lambda p: -p[1])
    if len(shown) < 2:
        return None
    size = 1 if len(shown) < 4 else 2
    strengths, focus = shown[:size], list(reversed(shown))[:size]
    changes = sorted(((driver, score - previous[driver]) for driver, score in shown
                      if driver in previous), key=lambda p: p[1])
    rise = changes[-1] if changes and changes[-1][1] >= NOTABLE else None
    fall = changes[0] if changes and changes[0][1] <= -NOTABLE else None
    gaps = sorted(((d.driver, d.score - d.org_score) for d in drivers if compared
                   and not d.hidden and d.score is not None and d.org_score is not None),
                  key=lambda p: p[1])
    above = gaps[-1] if gaps and gaps[-1][1] >= NOTABLE else None
    below = gaps[0] if gaps and gaps[0][1] <= -NOTABLE else None
    return Headline(strengths, focus, rise, fall, bool(changes), above, below)


def previous_scores(points: Sequence[surveys.TrendPoint],
                    wave: surveys.WaveOption) -> dict[str, float]:
    """Driver scores of the last closed wave before `wave` (hidden ones left out)."""
    earlier = [p for p in points if p.measure != "enps" and p.wave_id != wave.wave_id
               and p.closes_at < wave.closes_at]
    if not earlier:
        return {}
    last = max(earlier, key=lambda p: p.closes_at).wave_id
    return {p.measure: p.value for p in earlier
            if p.wave_id == last and not p.hidden and p.value is not None}


def sentences(viewer: Viewer, found: Headline) -> list[str]:
    lang = viewer.lang

    def named(pairs: list[tuple[str, float]]) -> str:
        joiner = viewer.t("surveys.story.and")
        return joiner.join(viewer.t("surveys.story.named", driver=viewer.driver(d),
                             score=format_number(s, lang)) for d, s in pairs)

    def moved(key: str, pair: tuple[str, float]) -> str:
        return viewer.t(key, driver=viewer.driver(pair[0]), change=format_signed(pair[1], lang))

    said = [viewer.t("surveys.story.strengths", drivers=named(found.strengths)),
            viewer.t("surveys.story.focus", drivers=named(found.focus))]
    if found.rise:
        said.append(moved("surveys.story.rise", found.rise))
    if found.fall:
        said.append(moved("surveys.story.fall", found.fall))
    if found.has_previous and not (found.rise or found.fall):
        said.append(viewer.t("surveys.story.steady", points=format_number(NOTABLE, lang)))
    if not found.has_previous:
        said.append(viewer.t("surveys.story.first_wave"))
    if found.above_org:
        said.append(moved("surveys.story.above_org", found.above_org))
    if found.below_org:
        said.append(moved("surveys.story.below_org", found.below_org))
    return said


def show(viewer: Viewer, chosen) -> None:
    """The headline card of a closed wave's results; nothing when there is nothing to rank."""
    if chosen.wave.status != "closed" or chosen.results.hidden:
        return
    survey_id = chosen.wave.survey_id
    latest = max(w.wave_id for w in chosen.waves.values() if w.survey_id == survey_id)
    points = read_or_explain(reads.trend, viewer.actor, survey_id, chosen.department_id,
                             latest)
    found = headline(chosen.results.drivers, previous_scores(points, chosen.wave),
                     chosen.compared)
    if found is None:
        return
    with st.container(border=True, key="results_story"):
        st.markdown(f"**{t('surveys.story.title')}**")
        st.markdown("\n".join(f"- {line}" for line in sentences(viewer, found)))
