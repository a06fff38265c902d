"""Closing a wave: the only place where answers become readable.

Closing opens the sealed pool, stores each answer under a reporting department
holding at least k respondents, in random-id order, and builds the
pre-aggregated results with every suppression decision made once, over the
whole tree (docs/anonymity.md)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from cryptography.exceptions import InvalidTag
from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from data_access import audit, departments
from data_access.errors import InvalidInput, get_or_not_found
from data_access.models import User, utcnow
from data_access.models.surveys import (
    SurveyAnswer,
    SurveyComment,
    SurveyParticipation,
    SurveyResultCount,
    SurveyResultGroup,
    SurveyResultItem,
    SurveySubmissionPool,
    SurveyWave,
    SurveyWaveDepartment,
)
from data_access.permissions import Actor, require_active, roles_with
from data_access.surveys import sealing
from data_access.surveys.answering import FormItem, _form_items, _random_ids
from data_access.surveys.rules import (
    BELOW_K,
    Cell,
    respondent_rollup,
    rollup_total_too_small,
    shuffle_comments,
    suppress,
)

VALUE_SLOTS = 16  # answer values are 0..10; one slot row per value in the aggregates

@dataclass
class SubmissionColumns:
    """Many submissions of one wave, column by column (what closing a wave stores).

    `values[item_id][i]` is submission i's answer to that item, -1 when not
    answered; `comments[item_id][i]` is its comment or None.
    """

    departments: np.ndarray
    values: dict[int, np.ndarray]
    comments: dict[int, list[str | None]]

    @classmethod
    def from_payloads(cls, payloads: Sequence[dict],
                      items: Sequence[FormItem]) -> SubmissionColumns:
        count = len(payloads)
        values = {item.id: np.full(count, -1, dtype=np.int64) for item in items
                  if item.kind != "comment"}
        comments: dict[int, list[str | None]] = {item.id: [None] * count for item in items
                                                 if item.kind == "comment"}
        for index, payload in enumerate(payloads):
            for item_id, value in payload["a"]:
                if item_id in values:
                    values[item_id][index] = value
            for item_id, text in payload["c"]:
                if item_id in comments:
                    comments[item_id][index] = text
        return cls(np.array([p["d"] for p in payloads], dtype=np.int64), values, comments)


def _close_wave(session: Session, wave_id: int, now: datetime) -> bool:
    """Close an open wave and publish its results; False if someone else did."""
    # Compare-and-set: also the first write, so SQLite takes its write lock here
    # and PostgreSQL waits for in-flight submissions holding a share lock.
    closed = session.execute(update(SurveyWave).where(
        SurveyWave.id == wave_id, SurveyWave.status == "open").values(status="closed")
        .execution_options(synchronize_session=False))
    if closed.rowcount != 1:
        return False
    wave = session.get(SurveyWave, wave_id)
    session.refresh(wave)
    wave.closes_at = min(wave.closes_at, now)  # closed early: show when it really closed
    sealed = session.execute(delete(SurveySubmissionPool).where(
        SurveySubmissionPool.wave_id == wave_id).returning(SurveySubmissionPool.sealed)
    ).scalars().all()
    try:
        opener = sealing.Opener(wave_id, wave.key_id) if sealed else None
        payloads = [opener.open(blob) for blob in sealed]
    except (InvalidTag, sealing.WaveKeyMissing) as error:
        # The key is missing or changed since these answers were given: refuse to
        # publish a partial result silently; the transaction rolls back and the
        # wave stays open.
        raise RuntimeError(f"survey pool of wave {wave_id} cannot be opened: {error}") from error
    items = _form_items(session, wave_id)
    store_results(session, wave_id, SubmissionColumns.from_payloads(payloads, items), now)
    if wave.key_id:
        sealing.destroy_after_commit(session, wave.key_id)
    return True


def _bulk_insert(session: Session, table, columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """Many rows fast: COPY on PostgreSQL, executemany on SQLite, in the session's transaction."""
    rows = list(rows)
    if not rows:
        return
    connection = session.connection()
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(
                f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in columns)
        connection.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})",
                                   list(rows))


def store_results(session: Session, wave_id: int, columns: SubmissionColumns,
                  now: datetime) -> None:
    """Store a closed wave's answers anonymously and build its pre-aggregated results.

    Also the demo seeder's path, so that demo data has exactly the real layout.
    """
    wave = session.get(SurveyWave, wave_id)
    k, comment_k = wave.min_group_size, wave.comment_threshold
    snapshot = session.execute(select(SurveyWaveDepartment.department_id,
                                      SurveyWaveDepartment.parent_id,
                                      SurveyWaveDepartment.invited)
                               .where(SurveyWaveDepartment.wave_id == wave_id)).all()
    parent_of = {row.department_id: row.parent_id for row in snapshot}
    invited = {row.department_id: row.invited for row in snapshot}
    count = len(columns.departments)
    own = dict(zip(*np.unique(columns.departments, return_counts=True), strict=True))
    own = {int(dept): int(n) for dept, n in own.items()}
    # Every stored label owns at least its threshold of respondents; below that
    # overall, nothing readable is stored at all (rules.respondent_rollup).
    answers_stored = not rollup_total_too_small(own, k)
    comments_stored = not rollup_total_too_small(own, comment_k)
    report = respondent_rollup(parent_of, own, k)
    comment_report = respondent_rollup(parent_of, own, comment_k)
    for dept in parent_of:
        session.execute(update(SurveyWaveDepartment).where(
            SurveyWaveDepartment.wave_id == wave_id,
            SurveyWaveDepartment.department_id == dept).values(
            respondents=own.get(dept, 0), report_department_id=report[dept],
            comment_department_id=comment_report[dept]))

    # Positions in the answer arrays: NULL (the whole audience) is stored as None.
    lookup = np.full(max(parent_of, default=0) + 1, -1, dtype=np.int64)
    for dept, target in report.items():
        lookup[dept] = -1 if target is None else target
    answer_labels = lookup[columns.departments] if count else np.zeros(0, dtype=np.int64)

    if answers_stored:
        # Raw answers: one row per answered item, random ids, stored in id order,
        # which is a random permutation of arrival order.
        parts_label, parts_item, parts_value = [], [], []
        for item_id, values in columns.values.items():
            answered = values >= 0
            parts_label.append(answer_labels[answered])
            parts_item.append(np.full(int(answered.sum()), item_id, dtype=np.int64))
            parts_value.append(values[answered])
        if parts_label:
            labels_all = np.concatenate(parts_label)
            items_all = np.concatenate(parts_item)
            values_all = np.concatenate(parts_value)
            ids = _random_ids(len(labels_all))
            order = np.argsort(ids, kind="stable")
            _bulk_insert(session, SurveyAnswer.__table__,
                         ("wave_id", "id", "department_id", "wave_item_id", "value"),
                         zip([wave_id] * len(order), ids[order].tolist(),
                             [None if label < 0 else label
                              for label in labels_all[order].tolist()],
                             items_all[order].tolist(), values_all[order].tolist(),
                             strict=True))
    comment_rows = [(comment_report[int(columns.departments[index])], item_id, text)
                    for item_id, texts in columns.comments.items()
                    for index, text in enumerate(texts) if text] if comments_stored else []
    if comment_rows:
        ids = sorted(_random_ids(len(comment_rows)).tolist())
        shuffled = shuffle_comments(comment_rows)
        _bulk_insert(session, SurveyComment.__table__,
                     ("wave_id", "id", "department_id", "wave_item_id", "body"),
                     [(wave_id, ids[i], *row) for i, row in enumerate(shuffled)])

    _store_aggregates(session, wave_id, parent_of, invited, report, own,
                      columns if answers_stored else None, answer_labels, k,
                      comment_report if comments_stored else None)
    wave.status = "closed"
    wave.respondents = count
    wave.results_at = now


def _store_aggregates(session: Session, wave_id: int, parent_of: dict[int, int | None],
                      invited: dict[int, int], report: dict[int, int | None],
                      own: dict[int, int], columns: SubmissionColumns | None,
                      answer_labels: np.ndarray, k: int,
                      comment_report: dict[int, int | None] | None) -> None:
    """Result groups (reporting departments and the whole audience), their
    per-item value counts and every suppression decision.

    `columns` is None when the wave is too small to store answers: then only
    the groups' respondent and invited counts are stored, hidden. Comments are
    shown only for the whole audience and for departments that are comment
    labels themselves, so every shown set of comments, and every difference of
    two, is a union of whole comment labels, each owning at least the comment
    threshold of respondents (`comment_report` is None when none were stored).
    """
    labels = [dept for dept in departments.top_down(parent_of, by_id=True) if report[dept] == dept]
    index: dict[int | None, int] = {dept: i for i, dept in enumerate(labels)}
    top = len(labels)  # the whole audience, parent of the roots
    index[None] = top

    def label_parent(dept: int) -> int:
        parent = parent_of[dept]
        while parent is not None and report[parent] != parent:
            parent = parent_of[parent]
        return top if parent is None else index[parent]

    parents = [label_parent(dept) for dept in labels]
    # A reporting department's subtree is exactly its department subtree, so
    # subtree sums are accumulated children-first over the reporting tree.
    respondents = np.zeros(top + 1, dtype=np.int64)
    invited_sum = np.zeros(top + 1, dtype=np.int64)
    for dept, target in report.items():
        respondents[index[target]] += own.get(dept, 0)
        invited_sum[index[target]] += invited.get(dept, 0)
    item_counts: dict[int, np.ndarray] = {}
    # Answer labels are department ids, or -1 for the whole audience: -1 indexes
    # the last slot, which no department uses and which holds `top`.
    position_of_label = np.full(max(parent_of, default=0) + 2, top, dtype=np.int64)
    for dept, position in index.items():
        if dept is not None:
            position_of_label[dept] = position
    for item_id, values in (columns.values.items() if columns is not None else ()):
        answered = values >= 0
        grid = np.zeros((top + 1, VALUE_SLOTS), dtype=np.int64)
        if answered.any():
            np.add.at(grid, (position_of_label[answer_labels[answered]], values[answered]), 1)
        item_counts[item_id] = grid
    for position in range(top - 1, -1, -1):  # labels are top-down: children come later
        parent = parents[position]
        respondents[parent] += respondents[position]
        invited_sum[parent] += invited_sum[position]
        for grid in item_counts.values():
            grid[parent] += grid[position]

    def cells(n: np.ndarray) -> list[Cell]:
        return [Cell(top, None, int(n[top]))] + [
            Cell(i, parents[i], int(n[i])) for i in range(top)]

    group_hidden = suppress(cells(respondents), k)
    if columns is None:
        group_hidden = dict.fromkeys(group_hidden, BELOW_K)
    participation_hidden = suppress(cells(invited_sum), k)
    item_hidden = {item_id: suppress(cells(grid.sum(axis=1)), k)
                   for item_id, grid in item_counts.items()}

    def comments_shown(position: int) -> bool:
        if comment_report is None or group_hidden[position] is not None:
            return False
        return position == top or comment_report[labels[position]] == labels[position]

    group_ids: dict[int, int] = {}
    for position in [top, *range(top)]:
        department = None if position == top else labels[position]
        parent_department = None if position == top or parents[position] == top \
            else labels[parents[position]]
        group_ids[position] = session.execute(insert(SurveyResultGroup).values(
            wave_id=wave_id, department_id=department,
            parent_department_id=parent_department,
            respondents=int(respondents[position]), invited=int(invited_sum[position]),
            hidden=group_hidden[position], participation_hidden=participation_hidden[position],
            comments_shown=comments_shown(position),
        ).returning(SurveyResultGroup.id)).scalar_one()
    item_rows, count_rows = [], []
    for item_id, grid in item_counts.items():
        for position, group_id in group_ids.items():
            hidden = group_hidden[position] or item_hidden[item_id][position]
            item_rows.append((group_id, item_id, int(grid[position].sum()), hidden))
            for value in np.nonzero(grid[position])[0].tolist():
                count_rows.append((group_id, item_id, value, int(grid[position][value])))
    _bulk_insert(session, SurveyResultItem.__table__,
                 ("group_id", "wave_item_id", "n", "hidden"), item_rows)
    _bulk_insert(session, SurveyResultCount.__table__,
                 ("group_id", "wave_item_id", "value", "n"), count_rows)


def close_wave_now(session: Session, actor: Actor, wave_id: int,
                   now: datetime | None = None) -> None:
    """Close an open wave early and publish its results."""
    require_active(session, actor, "design_surveys")
    wave = get_or_not_found(session, SurveyWave, wave_id)
    if wave.status != "open":
        raise InvalidInput("surveys.errors.closed")
    _close_wave(session, wave_id, now or utcnow())
    audit.record(session, actor, "survey.close_wave", "survey_wave", wave_id)



@dataclass(frozen=True)
class CloseImpact:
    """What closing an open wave now does, said before it is done: the answers it
    freezes (of how many invited) and how many people can then read the results."""

    respondents: int
    invited: int
    readers: int


def close_impact(session: Session, actor: Actor, wave_id: int) -> CloseImpact:
    require_active(session, actor, "design_surveys")
    wave = get_or_not_found(session, SurveyWave, wave_id)
    if wave.status != "open":
        raise InvalidInput("surveys.errors.closed")
    audience = list(session.scalars(select(SurveyWaveDepartment.department_id)
                                    .where(SurveyWaveDepartment.wave_id == wave_id)))
    invited = session.scalar(select(func.coalesce(func.sum(SurveyWaveDepartment.invited), 0))
                             .where(SurveyWaveDepartment.wave_id == wave_id)) or 0
    respondents = session.scalar(select(func.count()).select_from(SurveyParticipation)
                                 .where(SurveyParticipation.wave_id == wave_id)) or 0
    # Who reads results (results' scope rule, audience_view): everyone allowed all
    # results, and each reader limited to a subtree that meets the audience, that is
    # whose department is an audience department or one of its ancestors.
    parents = departments.parent_map(session)
    above = {d for dept in audience for d in departments.ancestors(parents, dept)}
    every = roles_with("view_all_results")
    limited = roles_with("view_survey_results") - every
    readers = session.scalar(select(func.count()).select_from(User).where(
        User.active.is_(True),
        or_(User.role.in_(sorted(every)),
            and_(User.role.in_(sorted(limited)), User.department_id.in_(sorted(above))))))
    return CloseImpact(int(respondents), int(invited), int(readers or 0))
