"""One opened item: its body, files, acknowledgement and comments (reading marks it read)."""

from __future__ import annotations

import streamlit as st

from dashboard.formatting import format_date, format_datetime
from dashboard.news import reads
from dashboard.news.hooks import refresh_badge
from dashboard.news.viewer import (
    Viewer,
    back_icon,
    badges,
    close_item,
    go_to,
    number,
    plain_text,
    start_edit,
)
from dashboard.ui import escape_markdown, flash, read, run_write, t, user_markdown
from data_access import action_items, news
from data_access.errors import NotFound


def _acknowledge_in_detail(item_id: int) -> None:
    if run_write(news.acknowledge, item_id).ok:
        reads.invalidate_mine()
        flash(t("news.ack.thanks"))


def _toggle_comments(item_id: int, key: str) -> None:
    if run_write(news.set_comments_enabled, item_id, bool(st.session_state[key])).ok:
        reads.invalidate_all()


def _hide_comment(comment_id: int, hidden: bool) -> None:
    if run_write(news.set_comment_hidden, comment_id, hidden).ok:
        flash(t("news.comments.hidden_done") if hidden else t("news.comments.shown_done"))


def show_comments(v: Viewer, detail: news.ItemDetail) -> None:
    comments = read(news.comments, v.actor, detail.id)
    st.subheader(t("news.comments.title", count=len(comments)), anchor=False)
    if v.may_moderate:
        key = f"news_comments_on_{detail.id}_{detail.version}"
        st.toggle(t("news.comments.enabled"), value=detail.comments_enabled, key=key,
                  on_change=_toggle_comments, args=(detail.id, key))
    for comment in comments:
        with st.container(border=True, key=f"news_comment_{comment.id}"):
            st.caption(f"{escape_markdown(comment.author)} · "
                       f"{format_datetime(comment.created_at, v.loc)}")
            plain_text(comment.body)
            if comment.hidden:
                st.caption(t("news.comments.hidden_marker"))
            if v.may_moderate:
                st.button(t("news.comments.show") if comment.hidden else t("news.comments.hide"),
                          key=f"news_hide_{comment.id}", on_click=_hide_comment,
                          args=(comment.id, not comment.hidden),
                          icon=":material/visibility:" if comment.hidden
                          else ":material/visibility_off:")
    if not detail.comments_enabled:
        st.caption(t("news.comments.closed"))
    elif news.allowed("comment", detail.stage):
        with st.form(f"news_comment_form_{detail.id}", clear_on_submit=True):
            st.text_area(t("news.comments.new"), max_chars=news.COMMENT_MAX, height=100,
                         key=f"news_comment_text_{detail.id}")
            # Sent in the button's callback, before the page is drawn: the comment is in
            # the list above in the click's own run.
            st.form_submit_button(t("news.comments.send"), icon=":material/send:",
                                  on_click=_add_comment, args=(detail.id,))


def _add_comment(item_id: int) -> None:
    body = st.session_state.get(f"news_comment_text_{item_id}", "")
    if run_write(news.add_comment, item_id, body).ok:
        reads.invalidate_mine()
        flash(t("news.comments.added"))


def _reported_item(v: Viewer, item_id: int) -> None:
    """"You said, we did": the action item this announcement reported done."""
    item = read(action_items.for_announcement, v.actor, item_id)
    if item is not None:
        when = format_date(item.done_at.date(), v.loc, "long") if item.done_at else ""
        st.info(t("news.detail.reports_action", title=escape_markdown(item.title), date=when),
                icon=":material/task_alt:")


def show_detail(v: Viewer, item_id: int) -> None:
    st.button(t("news.detail.back"), icon=back_icon(), on_click=close_item, key="news_back")
    try:
        detail = read(news.get_item, v.actor, item_id)
    except NotFound:
        st.warning(t("news.detail.not_found"))
        return
    if news.allowed("read", detail.stage) and detail.read_at is None:
        if run_write(news.mark_read, item_id).ok:
            refresh_badge(v.actor)
    badges(detail.pinned, detail.priority, detail.category_id, False,
           detail.ack_required, detail.acknowledged_at is not None)
    st.header(escape_markdown(detail.title), anchor=False)
    meta = [t("news.detail.published", when=format_datetime(detail.publish_at, v.loc, "long"))
            if detail.publish_at else t("news.stage.draft"),
            escape_markdown(detail.author)]
    if v.may_publish:
        meta.append(t(f"news.stage.{detail.stage}"))
    if detail.expires_at:
        meta.append(t("news.detail.expires", when=format_datetime(detail.expires_at, v.loc)))
    st.caption(" · ".join(meta))
    if detail.event_date:
        st.info(t("news.detail.event_on",
                  date=format_date(detail.event_date, v.loc, "long", weekday=True)),
                icon=":material/event:")
    if detail.cover:
        reads.picture(detail.cover.id, v.actor, 1400, width="content")
    with st.container(key="news_body"):
        user_markdown(detail.body, "news_body")
    _reported_item(v, item_id)
    if detail.attachments:
        st.caption(t("news.detail.attachments"))
        for attachment in detail.attachments:
            st.download_button(
                f"{escape_markdown(attachment.filename)} "
                f"({number(max(1, attachment.size // 1024))} {t('news.kb')})",
                data=lambda file_id=attachment.id: read(news.file_content, v.actor,
                                                        file_id).content,
                file_name=attachment.filename, mime=attachment.mime_type,
                key=f"news_attachment_{attachment.id}", on_click="ignore",
                icon=":material/attach_file:")
    if detail.ack_required:
        if detail.acknowledged_at:
            st.success(t("news.ack.done", when=format_datetime(detail.acknowledged_at, v.loc)),
                       icon=":material/task_alt:")
        elif news.allowed("acknowledge", detail.stage):
            st.warning(t("news.ack.needed"), icon=":material/assignment_late:")
            st.button(t("news.ack.button"), type="primary", key=f"news_ack_{detail.id}",
                      on_click=_acknowledge_in_detail, args=(detail.id,),
                      icon=":material/task_alt:")
    if v.may_publish or v.may_reach:
        with st.container(horizontal=True, gap="small"):
            if v.may_publish and news.allowed("edit", detail.stage):
                st.button(t("news.manage.edit"), key="news_detail_edit", on_click=start_edit,
                          args=(detail.id,), icon=":material/edit:")
            if v.may_reach and news.allowed("view_reach", detail.stage):
                st.button(t("news.manage.reach"), key="news_detail_reach", on_click=go_to,
                          args=("reach",), kwargs={"news_reach_choice": detail.id},
                          icon=":material/monitoring:")
    st.divider()
    show_comments(v, detail)

