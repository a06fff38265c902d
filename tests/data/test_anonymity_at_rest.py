"""The anonymity promise at rest (issue 7, findings 1–5), on SQLite and PostgreSQL.

An attacker holds a copy of the database taken at any moment, plus any key
that exists at that moment, and knows who took part and everyone's
department. Every stored group of answers must then stand for at least k
respondents (comments: the comment threshold), roots and partial audiences
included; a copy taken after a wave closed, with every key that still
exists, must open none of its sealed submissions; and no figure a manager
can see, while a wave is open or after, can be subtracted down to a group
below k.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import select, text

from data_access import surveys
from data_access.demo import seed_demo
from data_access.models.surveys import (
    SurveyAnswer,
    SurveyComment,
    SurveyResultCount,
    SurveyResultGroup,
    SurveySubmissionPool,
    SurveyWave,
    SurveyWaveDepartment,
)
from data_access.surveys import sealing
from data_access.surveys.rules import Cell, suppress  # noqa: I001
from tests.conftest import make_department, make_user
from tests.data.survey_helpers import T0, add_people, close, open_survey, submit_all

DURING = T0 + timedelta(hours=1)


def stored_groups(session, wave_id: int) -> tuple[Counter, Counter]:
    """Respondents behind each stored answer label and each stored comment label,
    as an attacker computes them from the participation table and departments."""
    snapshot = session.execute(select(SurveyWaveDepartment.respondents,
                                      SurveyWaveDepartment.report_department_id,
                                      SurveyWaveDepartment.comment_department_id)
                               .where(SurveyWaveDepartment.wave_id == wave_id)).all()
    owners, comment_owners = Counter(), Counter()
    for respondents, report, comment in snapshot:
        owners[report] += respondents or 0
        comment_owners[comment] += respondents or 0
    answer_labels = set(session.scalars(select(SurveyAnswer.department_id).where(
        SurveyAnswer.wave_id == wave_id).distinct()))
    comment_labels = set(session.scalars(select(SurveyComment.department_id).where(
        SurveyComment.wave_id == wave_id).distinct()))
    return (Counter({label: owners[label] for label in answer_labels}),
            Counter({label: comment_owners[label] for label in comment_labels}))


def assert_every_stored_group_holds(session, wave_id: int, k: int, comment_k: int) -> None:
    answers, comments = stored_groups(session, wave_id)
    assert all(n >= k for n in answers.values()), answers
    assert all(n >= comment_k for n in comments.values()), comments


# --- Finding 1: the root's residual ----------------------------------------------------------

def test_a_root_with_one_respondent_is_not_stored_alone(session, org):
    """The review's 40-person wave: the root label held one respondent."""
    rng = random.Random(1)
    people = (add_people(session, org.root, 1, "r") + add_people(session, org.pr_dept, 13, "p")
              + add_people(session, org.traffic, 12, "t")
              + add_people(session, org.traffic_control, 14, "c"))
    wave_id = open_survey(session, org.pr, comment_threshold=10)
    submit_all(session, people, wave_id, rng, comment="پیشنهاد دارم")
    close(session, wave_id)
    assert_every_stored_group_holds(session, wave_id, 5, 10)
    answers, _ = stored_groups(session, wave_id)
    assert answers[org.root] >= 5  # the root stands for the whole audience, and holds ≥ k


def test_partial_audience_roots_below_k_are_not_stored_under_their_labels(session, org):
    """A wave addressed to chosen departments makes each of them a root."""
    rng = random.Random(2)
    small = make_department(session, "بایگانی", org.root, "Archive")
    people = (add_people(session, small, 3, "a") + add_people(session, org.traffic, 8, "t")
              + add_people(session, org.traffic_control, 9, "c"))
    wave_id = open_survey(session, org.pr, audience_all=False,
                          audience_departments=(small, org.traffic), comment_threshold=10)
    submit_all(session, people, wave_id, rng, comment="خوب است")
    close(session, wave_id)
    assert_every_stored_group_holds(session, wave_id, 5, 10)
    answers, _ = stored_groups(session, wave_id)
    assert small not in answers  # its 3 respondents are the whole audience's now
    assert None in answers
    # The page says where the small department is reported, and shows nothing of its own.
    results = surveys.group_results(session, org.pr, wave_id, small)
    assert results.hidden == "below_k" and results.reported_under.id is None


def test_a_whole_wave_below_k_stores_nothing_readable(session, org):
    rng = random.Random(3)
    people = add_people(session, org.traffic, 4, "t")
    wave_id = open_survey(session, org.pr)
    submit_all(session, people, wave_id, rng, comment="نظر")
    close(session, wave_id)
    assert session.scalar(select(SurveyAnswer.id).where(SurveyAnswer.wave_id == wave_id)) is None
    assert session.scalar(select(SurveyComment.id).where(
        SurveyComment.wave_id == wave_id)) is None
    groups = session.scalars(select(SurveyResultGroup).where(
        SurveyResultGroup.wave_id == wave_id)).all()
    assert groups and all(group.hidden == "below_k" for group in groups)
    assert session.scalar(select(SurveyResultCount.n).where(
        SurveyResultCount.group_id.in_([g.id for g in groups]))) is None
    wave = session.get(SurveyWave, wave_id)
    assert wave.status == "closed" and wave.respondents == 4  # a safe count only


def test_the_demo_stores_no_group_below_its_threshold(session):
    """What `make run` ships (seed 42): every closed wave, answers and comments."""
    seed_demo(session, "S", seed=42)
    session.commit()
    waves = session.execute(select(SurveyWave.id, SurveyWave.min_group_size,
                                   SurveyWave.comment_threshold)
                            .where(SurveyWave.status == "closed")).all()
    assert len(waves) >= 20
    for wave_id, k, comment_k in waves:
        assert_every_stored_group_holds(session, wave_id, k, comment_k)


# --- Finding 2: a copy after close plus every key that still exists --------------------------

def test_a_copy_after_close_with_every_key_opens_no_submission(session, org, monkeypatch):
    monkeypatch.setenv(sealing.MASTER_ENV, "m" * 40)  # the worst case: a master key exists too
    rng = random.Random(4)
    people = add_people(session, org.traffic, 6, "t") + add_people(session, org.pr_dept, 6, "p")
    wave_id = open_survey(session, org.pr)
    submit_all(session, people, wave_id, rng, comment="سلام")
    key_id = session.get(SurveyWave, wave_id).key_id
    key_file = sealing.key_dir() / f"wave-{key_id}.key"
    # What any copy taken from now on may still hold: WAL frames, free pages, dead tuples.
    blobs = session.scalars(select(SurveySubmissionPool.sealed).where(
        SurveySubmissionPool.wave_id == wave_id)).all()
    assert len(blobs) == 12 and key_file.exists()
    assert sealing.unseal(wave_id, key_id, blobs[0])["d"] in {org.traffic, org.pr_dept}
    session.commit()

    close(session, wave_id)

    assert not key_file.exists()
    with pytest.raises(sealing.WaveKeyMissing):
        sealing.unseal(wave_id, key_id, blobs[0])
    # Every key that exists now: every file left in the key directory, the master
    # key itself, and the legacy derivation of it.
    candidates = [path.read_bytes()[-32:] for path in Path(sealing.key_dir()).glob("*.key")]
    candidates += [sealing.master_key(), sealing._legacy_key()]
    for candidate in candidates:
        cipher = sealing.AESGCM(candidate)
        for blob in blobs:
            with pytest.raises(InvalidTag):
                cipher.decrypt(blob[:12], blob[12:], f"wave:{wave_id}".encode())


def test_after_close_the_pool_leaves_the_wal_or_is_vacuumed(session, org, engine):
    rng = random.Random(5)
    people = add_people(session, org.traffic, 6, "t")
    wave_id = open_survey(session, org.pr)
    submit_all(session, people, wave_id, rng)
    blobs = session.scalars(select(SurveySubmissionPool.sealed)).all()
    session.commit()
    close(session, wave_id)
    session.close()
    if engine.dialect.name == "sqlite":
        wal = Path(engine.url.database + "-wal")
        content = wal.read_bytes() if wal.exists() else b""
        assert not any(blob[:12] in content for blob in blobs)  # no frame still holds them
    else:
        with engine.connect() as connection:
            vacuumed = connection.scalar(text(
                "SELECT last_vacuum FROM pg_stat_user_tables "
                "WHERE relname = 'survey_submission_pool'"))
        assert vacuumed is not None


def test_a_rolled_back_close_keeps_the_key(session, org, monkeypatch):
    rng = random.Random(6)
    wave_id = open_survey(session, org.pr)
    submit_all(session, add_people(session, org.traffic, 6, "t"), wave_id, rng)
    key_id = session.get(SurveyWave, wave_id).key_id
    surveys.open_due_waves(session, T0 + timedelta(days=8))
    session.rollback()  # e.g. the process died before commit
    assert (sealing.key_dir() / f"wave-{key_id}.key").exists()
    assert session.get(SurveyWave, wave_id).status == "open"
    # The sweep never destroys the key of a wave that is still open.
    sealing.destroy_closed_wave_keys(session.get_bind())
    assert (sealing.key_dir() / f"wave-{key_id}.key").exists()


# --- Finding 3: comments by subtraction ------------------------------------------------------

def test_comments_cannot_be_subtracted_down_to_the_root(session, org):
    """Organisation comments minus the branches' comments must not leave the root's
    6 respondents (fewer than the comment threshold of 10) on their own."""
    rng = random.Random(7)
    root = add_people(session, org.root, 6, "r")
    pr_people = add_people(session, org.pr_dept, 11, "p")
    traffic = add_people(session, org.traffic, 12, "t")
    wave_id = open_survey(session, org.pr, comment_threshold=10)
    for group, word in ((root, "ریشه"), (pr_people, "روابط"), (traffic, "ترافیک")):
        submit_all(session, group, wave_id, rng, comment=word)
    close(session, wave_id)
    assert_every_stored_group_holds(session, wave_id, 5, 10)

    def shown(department_id):
        result = surveys.wave_comments(session, org.pr, wave_id, department_id)
        return Counter(text for _, texts in result.by_item for text in texts) \
            if result.shown else Counter()

    organisation = shown(None)
    remainder = organisation.copy()
    for department in (org.pr_dept, org.traffic, org.traffic_control):
        remainder.subtract(shown(department))
    left = +remainder
    # Whatever is left is never the root's six alone: it comes with a whole branch.
    assert left["ریشه"] == 6 and sum(left.values()) >= 6 + 10


# --- Finding 4: live participation by subtraction --------------------------------------------

def test_live_participation_cannot_be_subtracted(session, org):
    """Parent "8 invited, x answered" minus a shown child's "6, y" would give a hidden
    2-person unit's answer count."""
    rng = random.Random(8)
    unit = add_people(session, org.traffic, 1, "t")  # with the manager: 2 directly in traffic
    control = add_people(session, org.traffic_control, 5, "c")  # with the employee: 6
    add_people(session, org.pr_dept, 8, "p")
    wave_id = open_survey(session, org.pr)
    submit_all(session, unit + control[:2], wave_id, rng)

    def live(department_id):
        return surveys.group_results(session, org.pr, wave_id, department_id).participation

    parent, child = live(org.traffic), live(org.traffic_control)
    assert not (parent.invited is not None and child.invited is not None
                and 0 < parent.invited - child.invited < 5)
    # Across every department a viewer may pick, no shown figure minus the shown
    # figures below it leaves fewer than k invited people.
    snapshot = dict(session.execute(select(SurveyWaveDepartment.department_id,
                                           SurveyWaveDepartment.parent_id)
                                    .where(SurveyWaveDepartment.wave_id == wave_id)).all())
    invited = {d: live(d).invited for d in snapshot}
    for department in snapshot:
        if invited[department] is None:
            continue
        below = [d for d, parent_id in snapshot.items()
                 if parent_id == department and invited[d] is not None]
        remainder = invited[department] - sum(invited[d] for d in below)
        assert remainder == 0 or remainder >= 5
    # The rule itself is the closed results' rule.
    assert suppress([Cell("p", None, 8), Cell("c", "p", 6)], 5)["c"] == "complementary"


# --- Finding 5: a key that is not hex ---------------------------------------------------------

def test_a_64_character_non_hex_key_seals_and_opens(session, org, monkeypatch):
    monkeypatch.setenv(sealing.MASTER_ENV, "g" * 64)
    sealing.check_configuration()
    rng = random.Random(9)
    people = add_people(session, org.traffic, 5, "t")
    wave_id = open_survey(session, org.pr)
    submit_all(session, people, wave_id, rng)
    close(session, wave_id)
    assert session.get(SurveyWave, wave_id).respondents == 5


def test_an_open_wave_survives_a_process_that_lost_nothing(session, org):
    """Sealing uses the wave's key file, so another process (a replica sharing the key
    directory) seals and opens the same wave."""
    wave_id = open_survey(session, org.pr)
    person = make_user(session, "late", org.traffic)
    session.commit()
    form = surveys.wave_form(session, person, wave_id, now=DURING)
    surveys.submit(session, person, wave_id,
                   {item.id: 3 for item in form.items if item.kind == "likert5"}
                   | {item.id: 7 for item in form.items if item.kind == "enps"}, now=DURING)
    session.commit()
    blob = session.scalar(select(SurveySubmissionPool.sealed))
    key_id = session.get(SurveyWave, wave_id).key_id
    assert sealing.Opener(wave_id, key_id).open(blob)["d"] == org.traffic
