"""The linkage test: an attacker with a full copy of the database tries to
link answers to the people who gave them, and does no better than chance.

The attacker reads every column of participation, answers and comments,
every id, SQLite's rowid where a table has one, PostgreSQL's ctid (physical
row order) and xmin (the writing transaction), and is even told the true
order in which people submitted. Each strategy pairs people with answer
rows; its accuracy at guessing what each person answered is compared with
guessing at random within the person's reporting department (what the
published results already allow). A leak shows as accuracy far above that
(a naive table gets 100 %, see the control test); the bound is five standard
deviations above chance, so a false alarm is about one in three million.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import Date, DateTime, inspect, select, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from data_access import surveys
from data_access.models.surveys import (
    SurveyAnswer,
    SurveyComment,
    SurveyParticipation,
    SurveySubmissionPool,
    SurveyWaveDepartment,
)
from tests.conftest import make_department
from tests.data.survey_helpers import T0, add_people, close, open_survey, random_answers

COMMENTS = ("جلسه‌ها طولانی است", "آموزش بیشتر", "سرویس رفت‌وآمد", "ممنون از مدیرمان",
            "فضای استراحت کوچک است")
Z = 5.0


@dataclass
class Observed:
    """Everything the attacker can read, and what really happened (to score them)."""

    arrival: list[int]  # user ids in true submission order (given to the attacker)
    participation: list[tuple[int, tuple, str | None]]  # user, physical position, xmin
    answers: dict[int, list[tuple[int, tuple, str | None, int, int]]]  # item -> id, pos, xmin,
    #                                                                      department, value
    comments: list[tuple[int, tuple, int, str]]  # id, position, department, text
    report_of: dict[int, int]  # user -> reporting department (from the wave's snapshot)
    truth: dict[int, dict[int, int | str | None]]  # user -> item -> answer


def _physical(dialect: str, row) -> tuple:
    if dialect == "postgresql":
        block, offset = row.ctid.strip("()").split(",")
        return (int(block), int(offset))
    return (row.position,)


def _read_everything(session, wave_id: int) -> tuple[list, dict, list]:
    dialect = session.bind.dialect.name
    system = ", ctid::text AS ctid, xmin::text AS xmin" if dialect == "postgresql" else ""
    participation = []
    for position, row in enumerate(session.execute(text(
            f"SELECT user_id{system} FROM survey_participation WHERE wave_id = :w"),
            {"w": wave_id})):
        participation.append((row.user_id, _physical(dialect, _with(row, position)),
                              getattr(row, "xmin", None)))
    answers: dict[int, list] = defaultdict(list)
    for position, row in enumerate(session.execute(text(
            f"SELECT id, department_id, wave_item_id, value{system} FROM survey_answers "
            "WHERE wave_id = :w"), {"w": wave_id})):
        answers[row.wave_item_id].append((row.id, _physical(dialect, _with(row, position)),
                                          getattr(row, "xmin", None), row.department_id,
                                          row.value))
    comments = []
    for position, row in enumerate(session.execute(text(
            f"SELECT id, department_id, body{system} FROM survey_comments WHERE wave_id = :w"),
            {"w": wave_id})):
        comments.append((row.id, _physical(dialect, _with(row, position)), row.department_id,
                         row.body))
    return participation, answers, comments


class _with:
    """A result row plus its position in an unordered scan (SQLite's physical order)."""

    def __init__(self, row, position: int) -> None:
        self._row, self.position = row, position

    def __getattr__(self, name: str):
        return getattr(self._row, name)


@pytest.fixture
def observed(session, org) -> Observed:
    """120 people in five departments (one of them tiny) answer in a shuffled order."""
    rng = random.Random(20250923)
    tiny = make_department(session, "دبیرخانه", org.root, "Secretariat")
    people = (add_people(session, org.pr_dept, 35, "p") + add_people(session, org.traffic, 30, "t")
              + add_people(session, org.traffic_control, 27, "c")
              + add_people(session, org.root, 25, "r") + add_people(session, tiny, 3, "s"))
    wave_id = open_survey(session, org.pr, comment_threshold=10)
    arrival = people[:]
    rng.shuffle(arrival)
    during = T0 + timedelta(hours=2)
    form = surveys.wave_form(session, people[0], wave_id, now=during)
    truth = {}
    for person in arrival:
        answers = random_answers(form.items, rng, comment=rng.choice(COMMENTS))
        surveys.submit(session, person, wave_id, answers, now=during)
        session.commit()
        truth[person.id] = answers

    # While the wave is open the pool holds the answers: equal-sized sealed blobs.
    sealed = session.scalars(select(SurveySubmissionPool.sealed)).all()
    assert len(sealed) == len(arrival) and len({len(blob) for blob in sealed}) == 1
    assert all(blob.count("جلسه".encode()) == 0 for blob in sealed)

    close(session, wave_id)
    participation, answers, comments = _read_everything(session, wave_id)
    snapshot = dict(session.execute(select(SurveyWaveDepartment.department_id,
                                           SurveyWaveDepartment.report_department_id)
                                    .where(SurveyWaveDepartment.wave_id == wave_id)).all())
    department_of = {p.id: p.department_id for p in people}
    return Observed([p.id for p in arrival], participation, dict(answers), comments,
                    {user: snapshot[department_of[user]] for user in department_of}, truth)


# --- Strategies: each returns, per item, the value it predicts for each user ------------------

Pairing = Callable[[Observed, int], dict[int, int]]


def _pair(users: Sequence[int], rows: Sequence[tuple]) -> dict[int, int]:
    return {user: row[4] for user, row in zip(users, rows, strict=False)}


def _by_group(observed: Observed, item: int, order_users, order_rows) -> dict[int, int]:
    """Pair within each reporting department (the attacker knows everyone's department)."""
    predicted = {}
    for department in {row[3] for row in observed.answers[item]}:
        users = [u for u in order_users(observed) if observed.report_of[u] == department]
        rows = order_rows([r for r in observed.answers[item] if r[3] == department])
        predicted |= _pair(users, rows)
    return predicted


def arrival_users(o: Observed) -> list[int]:
    return o.arrival


def participation_physical(o: Observed) -> list[int]:
    return [user for user, _, _ in sorted(o.participation, key=lambda p: p[1])]


def participation_xmin(o: Observed) -> list[int]:
    return [user for user, _, _ in sorted(o.participation, key=lambda p: int(p[2] or 0))]


def user_ids(o: Observed) -> list[int]:
    return sorted(o.report_of)


def rows_physical(rows):
    return sorted(rows, key=lambda r: r[1])


def rows_by_id(rows):
    return sorted(rows, key=lambda r: r[0])


def rows_by_xmin(rows):
    return sorted(rows, key=lambda r: (int(r[2] or 0), r[1]))


def _strategies() -> dict[str, Pairing]:
    found: dict[str, Pairing] = {}
    for user_name, users in [("arrival", arrival_users),
                             ("participation order", participation_physical),
                             ("participation xmin", participation_xmin),
                             ("user id", user_ids)]:
        for row_name, rows in [("answer order", rows_physical), ("answer id", rows_by_id),
                               ("answer xmin", rows_by_xmin)]:
            found[f"{user_name} ~ {row_name}"] = (
                lambda o, item, u=users, r=rows: _pair(u(o), r(o.answers[item])))
            found[f"{user_name} ~ {row_name}, per department"] = (
                lambda o, item, u=users, r=rows: _by_group(o, item, u, r))
    found["same xmin"] = _same_xmin
    return found


def _same_xmin(o: Observed, item: int) -> dict[int, int]:
    by_xmin = defaultdict(list)
    for row in o.answers[item]:
        by_xmin[row[2]].append(row[4])
    return {user: by_xmin[xmin][0] for user, _, xmin in o.participation
            if xmin is not None and by_xmin.get(xmin)}


def _chance(o: Observed, items: Sequence[int]) -> float:
    """Expected accuracy of guessing at random within each reporting department."""
    hits = total = 0.0
    for item in items:
        groups: dict[int, Counter] = defaultdict(Counter)
        for user, answers in o.truth.items():
            groups[o.report_of[user]][answers[item]] += 1
        for counts in groups.values():
            n = sum(counts.values())
            hits += sum(c * c for c in counts.values()) / n
            total += n
    return hits / total


def _accuracy(o: Observed, strategy: Pairing, items: Sequence[int]) -> tuple[float, int]:
    hits = guesses = 0
    for item in items:
        for user, value in strategy(o, item).items():
            guesses += 1
            hits += value == o.truth[user][item]
    return (hits / guesses if guesses else 0.0), guesses


def _bound(p0: float, guesses: int) -> float:
    return p0 + Z * math.sqrt(p0 * (1 - p0) / max(guesses, 1))


# --- The tests ------------------------------------------------------------------------------

def test_no_strategy_links_answers_better_than_chance(observed):
    items = sorted(observed.answers)
    p0 = _chance(observed, items)
    assert 0.1 < p0 < 0.35  # five-point and eleven-point answers, random
    for name, strategy in _strategies().items():
        accuracy, guesses = _accuracy(observed, strategy, items)
        assert accuracy <= _bound(p0, guesses), (name, accuracy, p0, guesses)


def test_comments_cannot_be_linked_either(observed):
    truth = {user: next(v for v in answers.values() if isinstance(v, str))
             for user, answers in observed.truth.items()}
    ordered = sorted(observed.comments, key=lambda c: c[1])
    by_id = sorted(observed.comments, key=lambda c: c[0])
    counts = Counter(truth.values())
    p0 = sum(c * c for c in counts.values()) / len(truth) ** 2
    for users in (observed.arrival, participation_physical(observed)):
        for rows in (ordered, by_id):
            hits = sum(row[3] == truth[user] for user, row in zip(users, rows, strict=False))
            assert hits / len(rows) <= _bound(p0, len(rows))


def test_every_stored_group_holds_at_least_k_respondents(observed, session):
    respondents = Counter(observed.report_of[user] for user in observed.truth)
    for rows in observed.answers.values():
        for department in {row[3] for row in rows}:
            assert respondents[department] >= 5
    comment_groups = Counter(row[2] for row in observed.comments)
    assert all(n >= 10 for n in comment_groups.values())
    # The tiny department (3 people) has no answers of its own.
    assert len({observed.report_of[u] for u in observed.truth}) < 6


def test_answer_rows_carry_no_time_user_or_order(observed, session):
    inspector = inspect(session.bind)
    for table in (SurveyAnswer.__table__, SurveyComment.__table__,
                  SurveyParticipation.__table__, SurveySubmissionPool.__table__):
        names = {column["name"] for column in inspector.get_columns(table.name)}
        assert not names & {"user_id", "created_at", "submitted_at", "at", "session_id", "ip"} \
            or table.name == "survey_participation"
        assert not any(isinstance(column.type, DateTime | Date) for column in table.columns)
    assert {c["name"] for c in inspector.get_columns("survey_participation")} == {
        "wave_id", "user_id"}
    # Random ids: neither sequential nor small.
    ids = sorted(row[0] for rows in observed.answers.values() for row in rows)
    assert ids[-1] > 2**40 and len(set(ids)) == len(ids)


def test_physical_order_is_not_arrival_order(observed, session):
    dialect = session.bind.dialect.name
    if dialect == "sqlite":
        # No hidden rowid to read on these tables at all.
        for table in ("survey_answers", "survey_comments", "survey_participation",
                      "survey_submission_pool"):
            with pytest.raises(OperationalError):
                session.execute(text(f"SELECT rowid FROM {table}")).all()
            session.rollback()
    else:
        # All answers of a wave were written by one transaction, which wrote no
        # participation row: xmin names nobody.
        xmins = {row[2] for rows in observed.answers.values() for row in rows}
        assert len(xmins) == 1
        assert not xmins & {xmin for _, _, xmin in observed.participation}
        with pytest.raises(ProgrammingError):  # WITHOUT ROWID is SQLite-only; PG has none
            session.execute(text("SELECT rowid FROM survey_answers")).all()
        session.rollback()


def test_the_attack_would_catch_a_naive_table():
    """Control: answers stored in arrival order are linked perfectly by the same code."""
    rng = random.Random(7)
    arrival = list(range(1, 101))
    rng.shuffle(arrival)
    truth = {user: {1: rng.randint(1, 5)} for user in arrival}
    rows = [(index, (index,), None, 10, truth[user][1]) for index, user in enumerate(arrival)]
    naive = Observed(arrival, [(user, (i,), None) for i, user in enumerate(arrival)],
                     {1: rows}, [], {user: 10 for user in arrival}, truth)
    accuracy, guesses = _accuracy(naive, _strategies()["arrival ~ answer order"], [1])
    assert accuracy == 1.0 > _bound(_chance(naive, [1]), guesses)
