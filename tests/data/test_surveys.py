"""Pulse surveys on SQLite and PostgreSQL: design, the clock, answering,
results from the pre-aggregates, suppression in every output, scope and
action items."""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from data_access import action_items, clock, db, surveys, users
from data_access.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from data_access.models import AuditEntry
from data_access.models.action_items import ActionItem
from data_access.models.surveys import (
    Survey,
    SurveyAnswer,
    SurveyComment,
    SurveyItem,
    SurveyParticipation,
    SurveySubmissionPool,
    SurveyWave,
    SurveyWaveDepartment,
    SurveyWaveItem,
)
from data_access.surveys.rules import summarise_enps, summarise_likert
from tests.conftest import audit_entries
from tests.data.survey_helpers import (
    T0,
    add_people,
    answered_wave,
    close,
    draft,
    open_survey,
    random_answers,
    submit_all,
)

DURING = T0 + timedelta(hours=1)


# --- Design ------------------------------------------------------------------------

@pytest.mark.parametrize(("changes", "key", "field"), [
    ({"title_fa": "  "}, "errors.required", "title_fa"),
    ({"min_group_size": 2}, "surveys.errors.k_too_small", "min_group_size"),
    ({"min_group_size": 0}, "surveys.errors.k_too_small", "min_group_size"),
    ({"comment_threshold": 4}, "surveys.errors.comment_threshold_below_k", "comment_threshold"),
    ({"closes_at": T0 - timedelta(hours=1)}, "surveys.errors.closes_in_past", "closes_at"),
    ({"closes_at": T0 + timedelta(minutes=10)}, "surveys.errors.window_too_short", "closes_at"),
    ({"cadence": "weekly", "closes_at": T0 + timedelta(days=8)},
     "surveys.errors.window_longer_than_cadence", "closes_at"),
    ({"cadence": "yearly"}, "surveys.errors.cadence_unknown", "cadence"),
    ({"bank_codes": ("nope",), "custom_items": ()}, "surveys.errors.item_unknown", "items"),
    ({"bank_codes": ("bel_01", "bel_01")}, "surveys.errors.duplicate_item", "items"),
    ({"bank_codes": (), "custom_items": ()}, "surveys.errors.no_items", "items"),
    ({"bank_codes": (), "custom_items": (surveys.CustomItem("comment", "نظر"),)},
     "surveys.errors.only_comments", "items"),
    ({"custom_items": (surveys.CustomItem("choice", "کدام؟", options=(("یک", None),)),)},
     "surveys.errors.choice_options", "custom_1"),
    ({"custom_items": (surveys.CustomItem("likert5", ""),)}, "errors.required", "custom_1"),
    ({"audience_all": False, "audience_departments": ()}, "surveys.errors.no_audience",
     "audience"),
    ({"audience_all": False, "audience_departments": (99999,)},
     "surveys.errors.audience_unknown", "audience"),
])
def test_bad_designs_are_refused_with_their_field(session, org, changes, key, field):
    with pytest.raises(InvalidInput) as caught:
        surveys.create_survey(session, org.pr, draft(**changes), now=T0)
    assert (caught.value.key, caught.value.field) == (key, field)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Survey)) == 0


@pytest.mark.parametrize("who", ["employee", "manager"])
def test_only_pr_and_admin_design_surveys(session, org, who):
    with pytest.raises(PermissionDenied):
        surveys.create_survey(session, getattr(org, who), draft(), now=T0)


def test_a_survey_opens_its_first_wave_with_frozen_items_and_thresholds(session, org):
    add_people(session, org.traffic_control, 6, "tc")
    wave_id = open_survey(session, org.admin, min_group_size=4, comment_threshold=8)
    wave = session.get(SurveyWave, wave_id)
    assert (wave.status, wave.min_group_size, wave.comment_threshold) == ("open", 4, 8)
    assert wave.invited == 11  # every active member of every department
    # Later changes to the design do not reach an open wave.
    session.execute(update(SurveyItem).values(text_fa="تغییر کرد"))
    session.execute(update(Survey).values(min_group_size=9, comment_threshold=20))
    session.commit()
    texts = session.scalars(select(SurveyWaveItem.text_fa).where(
        SurveyWaveItem.wave_id == wave_id)).all()
    assert "تغییر کرد" not in texts and len(texts) == 6
    session.refresh(wave)
    assert (wave.min_group_size, wave.comment_threshold) == (4, 8)
    audit = session.scalars(select(AuditEntry.action)).all()
    assert "survey.create" in audit


def test_admin_adds_a_bank_item_that_designers_can_use(session, org):
    code = surveys.add_bank_item(session, org.admin, "growth", "  می‌توانم مهارت تازه یاد بگیرم ")
    assert surveys.bank(session)[-1].text_fa == "می‌توانم مهارت تازه یاد بگیرم"
    with pytest.raises(PermissionDenied):
        surveys.add_bank_item(session, org.pr, "growth", "متن")
    with pytest.raises(InvalidInput):
        surveys.add_bank_item(session, org.admin, "unknown", "متن")
    session.commit()
    open_survey(session, org.pr, bank_codes=(code,), custom_items=())


def test_audience_is_departments_with_their_sub_departments(session, org):
    wave_id = open_survey(session, org.pr, audience_all=False,
                          audience_departments=(org.traffic,))
    assert [w.wave_id for w in surveys.open_waves_for(session, org.employee, DURING)] == [wave_id]
    assert surveys.open_waves_for(session, org.outsider, DURING) == []
    with pytest.raises(PermissionDenied):
        surveys.submit(session, org.outsider, wave_id, {}, now=DURING)


# --- Waves by the clock --------------------------------------------------------------

def test_a_biweekly_pulse_opens_and_closes_waves_by_the_clock(session, org):
    wave_1 = open_survey(session, org.pr, cadence="biweekly")
    assert surveys.open_due_waves(session, T0 + timedelta(days=3)) == surveys.ClockTick()
    tick = surveys.open_due_waves(session, T0 + timedelta(days=7, minutes=1))
    assert tick.closed == [wave_1] and tick.opened == []
    tick = surveys.open_due_waves(session, T0 + timedelta(days=14))
    wave_2 = session.get(SurveyWave, tick.opened[0])
    assert wave_2.number == 2 and wave_2.status == "open"
    assert wave_2.opens_at == T0 + timedelta(days=14)
    assert wave_2.closes_at == T0 + timedelta(days=21)
    # Same items, so trends compare like with like.
    codes = [sorted(session.scalars(select(SurveyWaveItem.survey_item_id).where(
        SurveyWaveItem.wave_id == w))) for w in (wave_1, wave_2.id)]
    assert codes[0] == codes[1]
    # Calling again (another replica) changes nothing.
    assert surveys.open_due_waves(session, T0 + timedelta(days=14)) == surveys.ClockTick()
    # After a long outage only the current wave opens; missed ones are skipped.
    tick = surveys.open_due_waves(session, T0 + timedelta(days=57))
    numbers = session.scalars(select(SurveyWave.number).order_by(SurveyWave.number)).all()
    assert numbers == [1, 2, 5] and len(tick.closed) == 1


def test_monthly_waves_follow_the_jalali_calendar(session, org):
    survey_id = surveys.create_survey(session, org.pr, draft(cadence="monthly"), now=T0)
    # 1 Mehr 1404 -> 1 Aban 1404 (2025-10-23) at the same Tehran time.
    surveys.open_due_waves(session, T0 + timedelta(days=31))
    wave = session.scalars(select(SurveyWave).where(
        SurveyWave.survey_id == survey_id, SurveyWave.number == 2)).one()
    assert wave.opens_at.date() == date(2025, 10, 23)
    assert wave.opens_at.hour == T0.hour


def test_repeat_until_and_stop_end_a_pulse(session, org):
    survey_id = surveys.create_survey(
        session, org.pr, draft(cadence="weekly", closes_at=T0 + timedelta(days=2),
                               repeat_until=T0 + timedelta(days=10)), now=T0)
    surveys.open_due_waves(session, T0 + timedelta(days=7))
    surveys.open_due_waves(session, T0 + timedelta(days=14))
    assert session.scalar(select(func.max(SurveyWave.number))) == 2
    other = surveys.create_survey(session, org.pr, draft(cadence="weekly",
                                                         closes_at=T0 + timedelta(days=2)),
                                  now=T0)
    surveys.stop_survey(session, org.pr, other, now=T0 + timedelta(days=1))
    surveys.open_due_waves(session, T0 + timedelta(days=7))
    assert session.scalar(select(func.count()).select_from(SurveyWave).where(
        SurveyWave.survey_id == other)) == 1
    assert survey_id != other



def test_repeat_until_a_day_means_through_that_local_day(session, org):
    last_day = (T0 + timedelta(days=7)).astimezone(clock.display_zone()).date()
    survey_id = surveys.create_survey(
        session, org.pr, draft(cadence="weekly", closes_at=T0 + timedelta(days=2),
                               repeat_until=last_day), now=T0)
    until = session.get(Survey, survey_id).repeat_until.astimezone(clock.display_zone())
    assert (until.date(), until.hour, until.minute) == (last_day, 23, 59)
    surveys.open_due_waves(session, T0 + timedelta(days=7))  # opens that day: still due
    surveys.open_due_waves(session, T0 + timedelta(days=14))
    assert session.scalar(select(func.max(SurveyWave.number)).where(
        SurveyWave.survey_id == survey_id)) == 2


def test_results_open_on_the_viewers_default_group(org):
    assert surveys.default_department(org.pr) is None  # the whole audience
    assert surveys.default_department(org.admin) is None
    assert surveys.default_department(org.manager) == org.traffic

# --- Answering --------------------------------------------------------------------------

def test_open_waves_show_answered_or_not(session, org):
    wave_id = open_survey(session, org.pr)
    assert [(w.wave_id, w.answered) for w in surveys.open_waves_for(
        session, org.employee, DURING)] == [(wave_id, False)]
    assert surveys.pending_count(session, org.employee, DURING) == 1
    form = surveys.wave_form(session, org.employee, wave_id, now=DURING)
    surveys.submit(session, org.employee, wave_id, random_answers(form.items, random.Random(1)),
                   now=DURING)
    session.commit()
    assert [w.answered for w in surveys.open_waves_for(session, org.employee, DURING)] == [True]
    assert surveys.pending_count(session, org.employee, DURING) == 0


def test_required_items_and_ranges_are_checked_and_nothing_is_written(session, org):
    wave_id = open_survey(session, org.pr)
    form = surveys.wave_form(session, org.employee, wave_id, now=DURING)
    good = random_answers(form.items, random.Random(2))
    first, enps = form.items[0], next(i for i in form.items if i.kind == "enps")
    bad_cases = [
        ({**good, first.id: None}, "surveys.errors.required_item", first.id),
        ({**good, first.id: 6}, "surveys.errors.out_of_range", first.id),
        ({**good, first.id: True}, "surveys.errors.out_of_range", first.id),
        ({**good, enps.id: 11}, "surveys.errors.out_of_range", enps.id),
        ({**good, form.items[-1].id: "x" * 1001}, "surveys.errors.comment_too_long",
         form.items[-1].id),
    ]
    for answers, key, item_id in bad_cases:
        assert surveys.check_answers(form.items, answers) == {item_id: key}
        with pytest.raises(InvalidInput) as caught:
            surveys.submit(session, org.employee, wave_id, answers, now=DURING)
        assert (caught.value.key, caught.value.field) == (key, str(item_id))
        session.rollback()
    assert session.scalar(select(func.count()).select_from(SurveyParticipation)) == 0
    assert session.scalar(select(func.count()).select_from(SurveySubmissionPool)) == 0
    # The optional comment may be left out.
    surveys.submit(session, org.employee, wave_id, {**good, form.items[-1].id: None}, now=DURING)


def test_a_second_submission_is_refused(session, org):
    wave_id = open_survey(session, org.pr)
    form = surveys.wave_form(session, org.employee, wave_id, now=DURING)
    answers = random_answers(form.items, random.Random(3))
    surveys.submit(session, org.employee, wave_id, answers, now=DURING)
    session.commit()
    with pytest.raises(Conflict) as caught:
        surveys.submit(session, org.employee, wave_id, answers, now=DURING)
    assert caught.value.key == "surveys.errors.already_answered"
    session.rollback()
    assert session.scalar(select(func.count()).select_from(SurveySubmissionPool)) == 1


def test_answers_after_close_or_before_open_are_refused(session, org):
    wave_id = open_survey(session, org.pr)
    form = surveys.wave_form(session, org.employee, wave_id, now=DURING)
    answers = random_answers(form.items, random.Random(4))
    for moment in (T0 - timedelta(minutes=1), T0 + timedelta(days=7)):
        with pytest.raises(InvalidInput) as caught:
            surveys.submit(session, org.employee, wave_id, answers, now=moment)
        assert caught.value.key == "surveys.errors.closed"
        session.rollback()
    close(session, wave_id)
    with pytest.raises(InvalidInput):
        surveys.submit(session, org.employee, wave_id, answers, now=DURING)
    with pytest.raises(NotFound):
        surveys.wave_form(session, org.employee, wave_id, now=DURING)


def test_many_threads_one_user_exactly_one_submission(database_url, engine, org, session):
    """A double click, two tabs and a script at once: the database counts one."""
    wave_id = open_survey(session, org.pr)
    form = surveys.wave_form(session, org.employee, wave_id, now=DURING)
    answers = random_answers(form.items, random.Random(5))
    outcomes: list[str] = []
    barrier = threading.Barrier(12)

    def attempt() -> None:
        barrier.wait()
        try:
            with db.session_scope(db.get_engine(database_url)) as own:
                surveys.submit(own, org.employee, wave_id, answers, now=DURING)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        except Exception as error:  # noqa: BLE001 - reported below
            outcomes.append(repr(error))

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Counter(outcomes) == {"ok": 1, "conflict": 11}, outcomes
    assert session.scalar(select(func.count()).select_from(SurveyParticipation)) == 1
    assert session.scalar(select(func.count()).select_from(SurveySubmissionPool)) == 1


# --- Results ------------------------------------------------------------------------------

@pytest.fixture
def closed_wave(session, org):
    """A closed wave: PR 12 answer, Traffic 8, Traffic Control 3 (+1 employee), root 0."""
    rng = random.Random(11)
    pr_people = add_people(session, org.pr_dept, 12, "pr")
    traffic = add_people(session, org.traffic, 8, "tr")
    control = add_people(session, org.traffic_control, 3, "tc")
    wave_id = open_survey(session, org.pr)
    given = submit_all(session, pr_people, wave_id, rng, comment="ساعت کاری طولانی است")
    given |= submit_all(session, traffic + control + [org.employee], wave_id, rng,
                        comment="سرویس رفت‌وآمد کم است")
    close(session, wave_id)
    return wave_id, given


def _raw_counts(session, wave_id, departments):
    rows = session.execute(select(SurveyAnswer.wave_item_id, SurveyAnswer.value, func.count())
                           .where(SurveyAnswer.wave_id == wave_id,
                                  SurveyAnswer.department_id.in_(departments))
                           .group_by(SurveyAnswer.wave_item_id, SurveyAnswer.value)).all()
    counts: dict[int, dict[int, int]] = {}
    for item_id, value, n in rows:
        counts.setdefault(item_id, {})[value] = n
    return counts


def test_results_from_pre_aggregates_equal_results_from_raw_answers(session, org, closed_wave):
    wave_id, given = closed_wave
    for department, members in [(None, None), (org.pr_dept, [org.pr_dept]),
                                (org.traffic, [org.traffic, org.traffic_control])]:
        results = surveys.group_results(session, org.pr, wave_id, department)
        raw = _raw_counts(session, wave_id, members or [org.root, org.pr_dept, org.traffic,
                                                        org.traffic_control])
        for item in results.items:
            if item.item.kind == "likert5":
                assert item.likert == summarise_likert(raw[item.item.id])
            if item.item.kind == "enps":
                assert item.enps == summarise_enps(raw[item.item.id])
    # And the whole organisation equals what people actually gave.
    results = surveys.group_results(session, org.pr, wave_id, None)
    first = results.items[0]
    truth = Counter(answers[first.item.id] for answers in given.values())
    assert first.likert == summarise_likert(truth)
    assert results.participation.respondents == len(given) == 24
    assert results.participation.invited == 5 + 23


def test_answers_are_stored_under_departments_with_at_least_k_respondents(session, org,
                                                                         closed_wave):
    wave_id, _ = closed_wave
    per_department = session.execute(
        select(SurveyAnswer.department_id, SurveyAnswer.wave_item_id, func.count())
        .where(SurveyAnswer.wave_id == wave_id)
        .group_by(SurveyAnswer.department_id, SurveyAnswer.wave_item_id)).all()
    assert {d for d, _, _ in per_department} == {org.pr_dept, org.traffic}
    assert all(n >= 5 for _, _, n in per_department)
    # Traffic Control's 4 respondents were reported under Traffic.
    results = surveys.group_results(session, org.pr, wave_id, org.traffic_control)
    assert results.hidden == "below_k" and results.reported_under.id == org.traffic
    assert results.items == [] or all(r.hidden for r in results.items)
    assert all(d.hidden for d in results.drivers) and results.enps.hidden


def test_no_results_while_a_wave_is_open_only_participation(session, org):
    people = add_people(session, org.pr_dept, 6, "p")
    wave_id = open_survey(session, org.pr)
    submit_all(session, people, wave_id, random.Random(6))
    results = surveys.group_results(session, org.pr, wave_id, None)
    assert results.items == [] and results.drivers == []
    assert (results.participation.respondents, results.participation.invited) == (6, 11)
    assert surveys.heatmap(session, org.pr, wave_id) == []
    assert surveys.export_rows(session, org.pr, wave_id) == []
    assert not surveys.wave_comments(session, org.pr, wave_id).shown
    # A small group's live participation is not shown either.
    small = surveys.group_results(session, org.pr, wave_id, org.traffic_control)
    assert small.participation.hidden == "below_k" and small.participation.respondents is None


def test_heatmap_labels_hidden_cells_with_their_reason(session, org, closed_wave):
    wave_id, _ = closed_wave
    rows = {row.department.id: row for row in surveys.heatmap(session, org.pr, wave_id, org.root)}
    assert rows[org.root].hidden is None and rows[org.pr_dept].hidden is None
    assert rows[org.traffic].hidden is None
    assert all(c.hidden is None and 0 <= c.score <= 100 for c in rows[org.pr_dept].cells.values())
    below = surveys.heatmap(session, org.pr, wave_id, org.traffic)
    assert [(r.department.id, r.hidden) for r in below] == [
        (org.traffic, None), (org.traffic_control, "below_k")]
    assert below[1].reported_under.id == org.traffic and below[1].cells == {}


def test_complementary_suppression_stops_subtraction(session, org):
    """Root has 3 respondents of its own: showing both children would reveal them.

    Since the root may not keep fewer than k under its own label (issue 7), its
    3 are stored together with its smaller child (PR, 7) when the wave closes:
    PR is reported under the root, so neither a page, an export nor a dump
    leaves 3 people to subtract.
    """
    rng = random.Random(12)
    root_people = add_people(session, org.root, 3, "r")
    pr_people = add_people(session, org.pr_dept, 7, "p")
    traffic = add_people(session, org.traffic, 9, "t")
    wave_id = open_survey(session, org.pr)
    submit_all(session, root_people + pr_people + traffic, wave_id, rng)
    close(session, wave_id)
    rows = {r.department.id: r for r in surveys.heatmap(session, org.pr, wave_id, org.root)}
    assert rows[org.root].hidden is None
    assert rows[org.pr_dept].hidden == "below_k"  # the smaller child, merged into the root
    assert rows[org.pr_dept].reported_under.id == org.root
    assert rows[org.traffic].hidden is None
    assert rows[org.pr_dept].cells == {}
    exported = [r for r in surveys.export_rows(session, org.pr, wave_id)
                if r.department.id == org.pr_dept]
    assert exported and all(r.hidden is not None for r in exported)
    assert all(r.n is None and r.score is None and r.participation is None for r in exported)
    # At rest: the root's label owns 3 + 7 respondents, traffic's its 9.
    labels = dict(session.execute(select(SurveyWaveDepartment.department_id,
                                         SurveyWaveDepartment.report_department_id)
                                  .where(SurveyWaveDepartment.wave_id == wave_id)).all())
    assert labels[org.root] == labels[org.pr_dept] == org.root
    assert labels[org.traffic] == org.traffic


def test_exports_hide_what_the_page_hides(session, org, closed_wave):
    wave_id, _ = closed_wave
    rows = surveys.export_rows(session, org.pr, wave_id)
    by_department = {}
    for row in rows:
        by_department.setdefault(row.department.id, []).append(row)
    control = by_department[org.traffic_control]
    assert [r.hidden for r in control] == ["below_k"]
    assert control[0].reported_under.id == org.traffic
    shown = [r for r in by_department[org.pr_dept] if r.measure == "driver"]
    assert shown and all(r.hidden is None and r.n == 12 for r in shown)
    for row in rows:
        if row.hidden:
            assert (row.n, row.score, row.favorable_pct, row.enps, row.participation) == \
                (None,) * 5


def test_trend_follows_a_department_and_hides_small_waves(session, org):
    rng = random.Random(13)
    pr_people = add_people(session, org.pr_dept, 8, "p")
    survey_wave = open_survey(session, org.pr, cadence="biweekly")
    survey_id = session.get(SurveyWave, survey_wave).survey_id
    submit_all(session, pr_people, survey_wave, rng)
    close(session, survey_wave)
    surveys.open_due_waves(session, T0 + timedelta(days=14))
    session.commit()
    second = session.scalar(select(SurveyWave.id).where(SurveyWave.number == 2))
    submit_all(session, pr_people[:3], second, rng, now=T0 + timedelta(days=14, hours=1))
    close(session, second, T0 + timedelta(days=22))
    points = surveys.survey_trend(session, org.pr, survey_id, org.pr_dept)
    belonging = [p for p in points if p.measure == "belonging"]
    assert [p.number for p in belonging] == [1, 2]
    assert belonging[0].hidden is None and belonging[0].value is not None
    assert belonging[1].hidden == "below_k" and belonging[1].value is None
    enps = [p for p in points if p.measure == "enps"]
    assert enps[1].value is None


def test_comments_only_for_groups_at_the_comment_threshold(session, org, closed_wave):
    wave_id, _ = closed_wave
    everyone = surveys.wave_comments(session, org.pr, wave_id, None)
    assert everyone.shown
    texts = everyone.by_item[0][1]
    assert sorted(set(texts)) == ["ساعت کاری طولانی است", "سرویس رفت‌وآمد کم است"]
    assert len(texts) == 24
    assert surveys.wave_comments(session, org.pr, wave_id, org.pr_dept).shown  # 12 ≥ 10
    assert not surveys.wave_comments(session, org.pr, wave_id, org.traffic_control).shown
    # Comments of groups smaller than the threshold were stored further up.
    stored = set(session.scalars(select(SurveyComment.department_id).where(
        SurveyComment.wave_id == wave_id)))
    assert stored <= {org.root, org.pr_dept, org.traffic}


# --- Scope and permissions -------------------------------------------------------------

def test_manager_sees_only_their_subtree(session, org, closed_wave):
    wave_id, _ = closed_wave
    own = surveys.group_results(session, org.manager, wave_id)
    assert own.department.id == org.traffic and own.hidden is None
    for outside in (org.pr_dept, org.root, None):
        with pytest.raises(PermissionDenied):
            surveys.group_results(session, org.manager, wave_id, outside)
        with pytest.raises(PermissionDenied):
            surveys.heatmap(session, org.manager, wave_id, outside)
        with pytest.raises(PermissionDenied):
            surveys.wave_comments(session, org.manager, wave_id, outside)
    assert {r.department.id for r in surveys.heatmap(session, org.manager, wave_id)} == {
        org.traffic, org.traffic_control}
    exported = {r.department.id for r in surveys.export_rows(session, org.manager, wave_id)}
    # No organisation row: the whole audience reaches beyond the manager's subtree.
    assert exported == {org.traffic, org.traffic_control}
    assert {d.id for d in surveys.result_departments(session, org.manager, wave_id)} == {
        org.traffic, org.traffic_control}


def test_a_wave_for_another_department_shows_a_manager_nothing(session, org):
    """A wave addressed only to PR: the Traffic manager sees neither it nor its figures."""
    pr_people = add_people(session, org.pr_dept, 12, "p")
    wave_id = answered_wave(session, org.pr, pr_people, 21, audience=(org.pr_dept,),
                            comment="ساعت کاری طولانی است")
    close(session, wave_id)
    survey_id = session.get(SurveyWave, wave_id).survey_id
    assert surveys.group_results(session, org.pr, wave_id, None).participation.respondents == 12
    surveys.create_action_item(session, org.pr, wave_id, "belonging", org.pr_dept, "اقدام",
                               org.pr.id, T0.date() + timedelta(days=30), now=DURING)
    session.commit()
    assert wave_id not in {w.wave_id for w in surveys.result_waves(session, org.manager)}
    for call in (
            lambda: surveys.group_results(session, org.manager, wave_id),
            lambda: surveys.group_results(session, org.manager, wave_id, org.traffic),
            lambda: surveys.group_results(session, org.manager, wave_id, None),
            lambda: surveys.result_departments(session, org.manager, wave_id),
            lambda: surveys.heatmap(session, org.manager, wave_id),
            lambda: surveys.wave_comments(session, org.manager, wave_id),
            lambda: surveys.export_rows(session, org.manager, wave_id),
            lambda: surveys.survey_action_items(session, org.manager, wave_id),
            lambda: surveys.create_action_item(
                session, org.manager, wave_id, "belonging", org.traffic, "اقدام",
                org.manager.id, T0.date() + timedelta(days=30), now=DURING)):
        with pytest.raises(NotFound):
            call()
    assert surveys.survey_trend(session, org.manager, survey_id, org.traffic) == []
    with pytest.raises(PermissionDenied):
        surveys.survey_trend(session, org.manager, survey_id, None)


def test_whole_audience_figures_only_when_the_audience_lies_in_the_subtree(session, org):
    pr_people = add_people(session, org.pr_dept, 6, "p")
    traffic = add_people(session, org.traffic, 8, "t")
    mixed = answered_wave(session, org.pr, pr_people + traffic, 22,
                          audience=(org.pr_dept, org.traffic))
    inside = answered_wave(session, org.pr, traffic, 23, audience=(org.traffic,))
    close(session, mixed)
    assert {mixed, inside} <= {w.wave_id for w in surveys.result_waves(session, org.manager)}

    # PR and Traffic answered: the manager sees Traffic, and of the PR-including whole
    # only the benchmark (driver scores and eNPS), never its participation, its
    # per-question figures, its comments or the whole as a group.
    own = surveys.group_results(session, org.manager, mixed)
    assert own.department.id == org.traffic and own.hidden is None
    assert own.organisation_participation is None
    whole = surveys.group_results(session, org.pr, mixed, None)
    assert [d.org_score for d in own.drivers] == [d.score for d in whole.drivers]
    assert all(d.org_score is not None for d in own.drivers)
    assert all(r.org_likert is None for r in own.items)
    assert [r.org_enps for r in own.items if r.item.kind == "enps"] == [
        r.enps for r in whole.items if r.item.kind == "enps"]
    assert surveys.group_results(session, org.pr, mixed, org.traffic).drivers[0].org_score \
        is not None  # PR still compares with the whole audience
    assert [d.id for d in surveys.result_departments(session, org.manager, mixed)] == [
        org.traffic, org.traffic_control]
    for call in (surveys.group_results, surveys.heatmap, surveys.wave_comments):
        with pytest.raises(PermissionDenied):
            call(session, org.manager, mixed, None)
    assert {r.department.id for r in surveys.export_rows(session, org.manager, mixed)} == {
        org.traffic, org.traffic_control}
    with pytest.raises(PermissionDenied):
        surveys.survey_trend(session, org.manager, session.get(SurveyWave, mixed).survey_id,
                             None)

    # Only Traffic was asked: its whole audience is the manager's to see.
    assert [d.id for d in surveys.result_departments(session, org.manager, inside)] == [
        None, org.traffic, org.traffic_control]
    whole = surveys.group_results(session, org.manager, inside, None)
    assert whole.participation.respondents == 8 and whole.hidden is None
    own = surveys.group_results(session, org.manager, inside)
    assert own.organisation_participation.respondents == 8
    assert None in {r.department.id for r in surveys.export_rows(session, org.manager, inside)}
    trend = surveys.survey_trend(session, org.manager, session.get(SurveyWave, inside).survey_id,
                                 None)
    assert trend and all(p.wave_id == inside for p in trend)


def test_owner_choices_only_within_the_managers_subtree(session, org):
    with pytest.raises(PermissionDenied):
        surveys.owner_choices(session, org.manager, org.pr_dept)
    assert org.manager.id in dict(surveys.owner_choices(session, org.manager,
                                                        org.traffic_control).items)
    mine = dict(surveys.owner_choices(session, org.manager, None).items)  # their whole subtree
    assert org.manager.id in mine and org.pr.id not in mine and org.admin.id not in mine
    assert org.pr.id in dict(surveys.owner_choices(session, org.pr, org.pr_dept).items)


def test_a_deactivated_account_is_refused_everywhere_in_surveys(session, org):
    wave_id = open_survey(session, org.pr)
    form = surveys.wave_form(session, org.employee, wave_id, now=DURING)
    answers = random_answers(form.items, random.Random(24))
    users.set_active(session, org.admin, org.employee.id, False)
    users.set_active(session, org.admin, org.manager.id, False)
    session.commit()
    with pytest.raises(PermissionDenied):
        surveys.submit(session, org.employee, wave_id, answers, now=DURING)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(SurveyParticipation).where(
        SurveyParticipation.wave_id == wave_id)) == 0
    for call in (lambda: surveys.wave_form(session, org.employee, wave_id, now=DURING),
                 lambda: surveys.open_waves_for(session, org.employee, DURING),
                 lambda: surveys.has_answered(session, org.employee, wave_id),
                 lambda: surveys.result_waves(session, org.manager),
                 lambda: surveys.group_results(session, org.manager, wave_id),
                 lambda: surveys.export_rows(session, org.manager, wave_id),
                 lambda: surveys.owner_choices(session, org.manager, org.traffic)):
        with pytest.raises(PermissionDenied):
            call()
    # Active again: the same actor works again.
    users.set_active(session, org.admin, org.employee.id, True)
    session.commit()
    surveys.submit(session, org.employee, wave_id, answers, now=DURING)


@pytest.mark.parametrize("call", [
    lambda s, a, w: surveys.group_results(s, a, w),
    lambda s, a, w: surveys.heatmap(s, a, w),
    lambda s, a, w: surveys.wave_comments(s, a, w),
    lambda s, a, w: surveys.export_rows(s, a, w),
    lambda s, a, w: surveys.result_waves(s, a),
    lambda s, a, w: surveys.survey_trend(s, a, 1),
])
def test_employees_see_no_results(session, org, closed_wave, call):
    wave_id, _ = closed_wave
    with pytest.raises(PermissionDenied):
        call(session, org.employee, wave_id)


# --- Action items ------------------------------------------------------------------------

def test_manager_creates_an_action_item_from_a_driver_result(session, org, closed_wave):
    wave_id, _ = closed_wave
    due = T0.date() + timedelta(days=30)
    action_id = surveys.create_action_item(
        session, org.manager, wave_id, "belonging", org.traffic, "  گفت‌وگو با تیم ",
        org.manager.id, due, "جلسه ماهانه", now=DURING)
    action = session.get(ActionItem, action_id)
    assert (action.title, action.status, action.source, action.source_driver,
            action.source_department_id, action.due_on) == (
        "گفت‌وگو با تیم", "open", "survey", "belonging", org.traffic, due)
    assert [a.id for a in surveys.survey_action_items(session, org.manager, wave_id)] == [
        action_id]
    assert "action_item.create" in session.scalars(select(AuditEntry.action)).all()
    action_items.set_status(session, org.manager, action_id, "done", action.version, now=DURING)
    assert session.get(ActionItem, action_id).done_at is not None


def test_a_status_moved_by_someone_else_is_not_overwritten(session, org, closed_wave):
    wave_id, _ = closed_wave
    action_id = surveys.create_action_item(
        session, org.manager, wave_id, "belonging", org.traffic, "گفت‌وگو با تیم",
        org.manager.id, T0.date() + timedelta(days=30), "", now=DURING)
    seen = session.get(ActionItem, action_id).version
    action_items.set_status(session, org.manager, action_id, "done", seen, now=DURING)
    with pytest.raises(Conflict) as refused:  # a second tab still showing "open"
        action_items.set_status(session, org.manager, action_id, "in_progress", seen,
                                now=DURING)
    assert refused.value.key == "errors.edited_by_someone_else"
    assert session.get(ActionItem, action_id).status == "done"
    entries = len(audit_entries(session, "action_item.status"))
    action_items.set_status(session, org.manager, action_id, "done",
                            session.get(ActionItem, action_id).version, now=DURING)
    assert len(audit_entries(session, "action_item.status")) == entries  # no change: no entry


@pytest.mark.parametrize(("who", "changes", "error", "key"), [
    ("manager", {"department_id": "pr_dept"}, PermissionDenied, None),
    ("manager", {"department_id": "traffic_control"}, InvalidInput,
     "surveys.errors.result_hidden"),
    ("manager", {"due_on": T0.date() - timedelta(days=1)}, InvalidInput,
     "surveys.errors.due_in_past"),
    ("manager", {"due_on": date(9999, 12, 31)}, InvalidInput, "actions.errors.due_too_far"),
    ("manager", {"due_on": DURING.date() + timedelta(days=5 * 365 + 2)}, InvalidInput,
     "actions.errors.due_too_far"),
    ("manager", {"title": " "}, InvalidInput, "errors.required"),
    ("manager", {"driver": "unknown"}, InvalidInput, "surveys.errors.driver_unknown"),
    ("manager", {"owner": "outsider"}, InvalidInput, "surveys.errors.owner_invalid"),
    ("employee", {}, PermissionDenied, None),
])
def test_action_items_are_validated(session, org, closed_wave, who, changes, error, key):
    wave_id, _ = closed_wave
    args = dict(driver="belonging", department_id=org.traffic, title="اقدام",
                owner=org.manager.id, due_on=T0.date() + timedelta(days=5))
    for name, value in changes.items():
        if name == "department_id":
            value = getattr(org, value)
        if name == "owner":
            value = getattr(org, value).id
        args[name] = value
    with pytest.raises(error) as caught:
        surveys.create_action_item(session, getattr(org, who), wave_id, args["driver"],
                                   args["department_id"], args["title"], args["owner"],
                                   args["due_on"], now=DURING)
    if key:
        assert caught.value.key == key
    session.rollback()
    assert session.scalar(select(func.count()).select_from(ActionItem)) == 0


# --- Schema -------------------------------------------------------------------------------

def test_migration_matches_the_models(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from data_access.models import Base

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    survey_tables = {"surveys", "action_items"} | {
        name for name in Base.metadata.tables if name.startswith("survey_")}

    def table_of(diff) -> str | None:
        for part in (diff if isinstance(diff, tuple) else diff[0]):
            table = getattr(part, "table", None)
            name = getattr(table, "name", None) or getattr(part, "name", None)
            if isinstance(name, str):
                return name
            if isinstance(part, str) and part in survey_tables:
                return part
        return None

    assert [d for d in differences if table_of(d) in survey_tables] == []
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            ddl = connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'survey_answers'").scalar()
        assert "WITHOUT ROWID" in ddl


def test_downgrade_and_upgrade_again(tmp_path):
    engine = db.get_engine(f"sqlite:///{tmp_path / 'roundtrip.db'}")
    db.upgrade(engine)
    db.downgrade(engine, "0002_news")
    with engine.connect() as connection:
        names = connection.exec_driver_sql("SELECT name FROM sqlite_master").scalars().all()
    assert not [n for n in names if n.startswith("survey") or n == "action_items"]
    db.upgrade(engine)


def test_the_waves_version_moves_when_a_wave_opens_or_closes(session, org):
    """Cached result lists are keyed by it, so every process sees a close at once."""
    before = surveys.waves_version(session)
    wave_id = open_survey(session, org.pr)
    opened = surveys.waves_version(session)
    assert opened != before
    close(session, wave_id)
    assert surveys.waves_version(session) not in (before, opened)
