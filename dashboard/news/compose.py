"""The composer (pr, admin): a new item or an existing one, with a live preview.

Every field's widget key carries the form's nonce, so loading another item (or a
blank form) resets every field at once. Which buttons show follows the life-cycle
table in data_access.news.rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import streamlit as st

from dashboard.formatting import format_datetime
from dashboard.jalali_input import (
    DateTimeReading,
    datetime_text_value,
    jalali_date_input,
    jalali_date_value,
    jalali_datetime_text_input,
)
from dashboard.news import reads
from dashboard.news.viewer import Viewer, audience_text, department_labels, open_item, start_edit
from dashboard.ui import (
    date_messages,
    escape_markdown,
    flash,
    keep_refusal,
    read,
    said_at,
    show_refusal,
    t,
    user_markdown,
    write_in_callback,
)
from data_access import news
from data_access.clock import utcnow
from data_access.errors import NotFound

# button -> (the data_access call, the message shown once it is saved)
SAVES = {
    "draft": (news.save_draft, "news.compose.saved"),
    "publish": (news.publish, "news.compose.published"),
    "schedule": (news.schedule, "news.compose.scheduled_for"),  # says when and for whom
    "save": (news.publish, "news.compose.saved"),  # a released item stays released
}


class _Keys:
    """Widget keys of one generation of the form."""

    def __init__(self, nonce: int) -> None:
        self.nonce = nonce

    def __call__(self, name: str) -> str:
        return f"news_f{self.nonce}_{name}"


def _item_being_edited(v: Viewer) -> news.ItemDetail | None:
    """The item in the composer (None: a new one); remembers the version first loaded."""
    edit_id = st.session_state.get("news_edit_id")
    detail = None
    if edit_id is not None:
        try:
            detail = read(news.load_for_edit, v.actor, edit_id)
        except NotFound:
            st.session_state["news_edit_id"] = None
    if detail is not None and st.session_state.get("news_edit_version") is None:
        st.session_state["news_edit_version"] = detail.version
    return detail


def _show_editing(detail: news.ItemDetail | None) -> bool:
    """What is being edited, and a warning if it changed since; False when it cannot be."""
    if detail is None:
        st.caption(t("news.compose.new_hint"))
        return True
    with st.container(horizontal=True, vertical_alignment="center"):
        st.info(t("news.compose.editing", title=escape_markdown(detail.title),
                  stage=t(f"news.stage.{detail.stage}")), icon=":material/edit:")
        if detail.stage != "draft":  # readers may have it: show it as they see it
            st.button(t("news.manage.open"), on_click=open_item, args=(detail.id,),
                      key="news_compose_open", icon=":material/article:")
        st.button(t("news.compose.new"), on_click=start_edit, args=(None,),
                  key="news_compose_new", icon=":material/add:")
    if detail.version != st.session_state.get("news_edit_version"):
        st.warning(t("news.compose.changed_elsewhere"), icon=":material/sync_problem:")
        st.button(t("news.compose.reload"), on_click=start_edit, args=(detail.id,),
                  key="news_compose_reload")
    if not news.allowed("edit", detail.stage):
        st.info(t("news.compose.archived"))
        return False
    return True


def _text_fields(detail: news.ItemDetail | None, key: _Keys) -> int:
    """Title, category and the Markdown body beside its preview; the category chosen."""
    category_ids = [c.id for c in reads.categories()]
    if detail is not None and detail.category_id not in category_ids:
        category_ids.append(detail.category_id)
    st.text_input(t("news.field.title"), value=detail.title if detail else "",
                  max_chars=news.TITLE_MAX, key=key("title"))
    category_id = st.selectbox(
        t("news.field.category"), category_ids, format_func=reads.category_label,
        index=category_ids.index(detail.category_id) if detail else 0, key=key("category"))
    # Streamlit's text area sends its text on blur (it has no live mode, unlike
    # st.text_input(live=...)): a Write / Preview pair of tabs makes the tap on "Preview"
    # that blur, so the preview is drawn from what was just typed whenever it is looked at.
    write_tab, preview_tab = st.tabs([t("news.compose.write"), t("news.compose.preview")],
                                     key="news_body_tabs")
    body = write_tab.text_area(t("news.field.body"), value=detail.body if detail else "",
                               height=380, max_chars=news.BODY_MAX, key=key("body"),
                               help=t("news.field.body_help"))
    with preview_tab, st.container(border=True, key="news_preview"):
        if body.strip():  # exactly as the item page shows it
            user_markdown(body, "news_preview")
        else:
            st.caption(t("news.compose.preview_empty"))
    return category_id


def _uploads(files) -> list[news.Upload]:
    return [news.Upload(f.name, f.getvalue()) for f in files or []]


def _file_fields(v: Viewer, detail: news.ItemDetail | None, key: _Keys) -> None:
    """The cover and attachments: new uploads, and which of the present ones to drop."""
    cover_col, files_col = st.container(key="news_uploads").columns(2)
    with cover_col:
        st.file_uploader(t("news.field.cover"), type=["png", "jpg", "jpeg", "webp"],
                         key=key("cover"), max_upload_size=news.IMAGE_MAX_BYTES // news.MB)
        st.caption(t("news.field.cover_help", max_mb=news.IMAGE_MAX_BYTES // news.MB))
        if detail is not None and detail.cover is not None:
            reads.picture(detail.cover.id, v.actor, 480, width=240)
            st.checkbox(t("news.field.remove_cover"), key=key("remove_cover"))
    with files_col:
        st.file_uploader(
            t("news.field.attachments"), type=["pdf", "docx", "xlsx"],
            accept_multiple_files=True, key=key("attachments"),
            max_upload_size=news.ATTACHMENT_MAX_BYTES // news.MB)
        st.caption(t("news.field.attachments_help",
                     max_mb=news.ATTACHMENT_MAX_BYTES // news.MB, count=news.ATTACHMENTS_MAX))
        for attachment in detail.attachments if detail else ():
            st.checkbox(t("news.field.remove_attachment",
                          name=escape_markdown(attachment.filename)),
                        key=key(f"remove_attachment_{attachment.id}"))


def _reach_fields(v: Viewer, detail: news.ItemDetail | None, key: _Keys) -> None:
    """Audience, priority, pinning, acknowledgement and comments."""
    labels = department_labels(v)
    st.multiselect(
        t("news.field.audience"), list(labels),
        default=[d for d in (detail.audience if detail else ()) if d in labels],
        format_func=labels.get, key=key("audience"), placeholder=t("news.field.everyone"),
        help=t("news.field.audience_help"))
    st.segmented_control(
        t("news.field.priority"), list(news.PRIORITIES),
        format_func=lambda p: t(f"news.priority.{p}"),
        default=detail.priority if detail else "normal", key=key("priority"), required=True)
    with st.container(horizontal=True, gap="medium"):
        st.checkbox(t("news.field.pinned"), value=detail.pinned if detail else False,
                    key=key("pinned"))
        st.checkbox(t("news.field.ack_required"), value=detail.ack_required if detail else False,
                    key=key("ack"), help=t("news.field.ack_required_help"))
        st.checkbox(t("news.field.comments_enabled"),
                    value=detail.comments_enabled if detail else True, key=key("comments"))


def _time_fields(v: Viewer, detail: news.ItemDetail | None, key: _Keys, is_event: bool) -> None:
    """Event date, publish time (only while it can still change) and expiry."""
    if is_event:
        jalali_date_input(t("news.field.event_date"), key=key("event"),
                          value=detail.event_date if detail else None, locale=v.loc,
                          messages=date_messages())
    stage = detail.stage if detail else None
    if news.allowed("release", stage):
        jalali_datetime_text_input(
            t("news.field.publish_at"), key=key("publish"), locale=v.loc, messages=date_messages(),
            value=detail.publish_at if detail and stage == "scheduled" else None,
            help=t("news.field.publish_at_help"))
    jalali_datetime_text_input(
        t("news.field.expires_at"), key=key("expires"), locale=v.loc, messages=date_messages(),
        value=detail.expires_at if detail else None, help=t("news.field.expires_at_help"))


@dataclass(frozen=True)
class _Filled:
    """What the composer's fields hold: the item, its publish time and whether a time was
    refused (None from a refused time would mean "now" / "never")."""

    data: news.AnnouncementInput
    publish_at: datetime | None
    time_refused: bool


def _filled(v: Viewer, detail: news.ItemDetail | None, key: _Keys) -> _Filled:
    """The fields' values, read from session state: the save buttons' callback runs before
    the fields are drawn again."""
    state = st.session_state
    category_id = state.get(key("category"))
    is_event = category_id in {c.id for c in reads.categories(True) if c.is_event}
    times = {name: datetime_text_value(key(name), locale=v.loc, messages=date_messages())
             for name in ("publish", "expires")}
    if not news.allowed("release", detail.stage if detail else None):
        times["publish"] = DateTimeReading(None)  # not drawn: an item readers already have
    cover = state.get(key("cover"))
    data = news.AnnouncementInput(
        title=state.get(key("title")) or "", body=state.get(key("body")) or "",
        category_id=category_id, priority=state.get(key("priority")) or "normal",
        pinned=bool(state.get(key("pinned"))), ack_required=bool(state.get(key("ack"))),
        comments_enabled=bool(state.get(key("comments"), True)),
        audience=list(state.get(key("audience")) or ()), expires_at=times["expires"].value,
        event_date=jalali_date_value(key("event")) if is_event else None,
        cover=_uploads([cover])[0] if cover else None,
        remove_cover=bool(state.get(key("remove_cover"))),
        attachments=_uploads(state.get(key("attachments"))),
        remove_attachments=[a.id for a in (detail.attachments if detail else ())
                            if state.get(key(f"remove_attachment_{a.id}"))])
    return _Filled(data, times["publish"].value,
                   times["publish"].rejected or times["expires"].rejected)


# The save buttons: (what is pressed, label, widget key, icon, primary?); the first three
# while an item can still be released, the last one for an item readers already have.
# Their widget keys carry the form's nonce (news_f<nonce>_publish ...): a second click of a
# form already saved is a click on a button the saved form no longer has, so it does nothing.
RELEASE_BUTTONS = (
    ("draft", "news.compose.save_draft", "save_draft", ":material/save:", False),
    ("publish", "news.compose.publish", "publish", ":material/campaign:", True),
    ("schedule", "news.compose.schedule", "schedule", ":material/schedule_send:", False),
)
SAVE_BUTTON = ("save", "news.compose.save_changes", "save_changes", ":material/save:", True)
PLACE = "news_compose"  # where a refused save is said: under the buttons


def _buttons(v: Viewer, stage: news.Stage | None, key: _Keys) -> None:
    """The save buttons (draft / publish / schedule, or save for a released item); a
    refused save is said under them."""
    buttons = RELEASE_BUTTONS if news.allowed("release", stage) else (SAVE_BUTTON,)
    with st.container(horizontal=True, gap="small", key="news_compose_actions"):
        for name, label, button_key, icon, primary in buttons:
            st.button(t(label), key=key(button_key), icon=icon,
                      type="primary" if primary else "secondary",
                      on_click=_save, args=(v, name, key.nonce))
    show_refusal(PLACE)


def _saved_message(v: Viewer, clicked: str, data: news.AnnouncementInput,
                   publish_at: datetime | None) -> str:
    """What the person is told: for a scheduled item, when (Jalali, local time) and for
    whom (the departments, and how many people that is)."""
    title = escape_markdown(data.title)
    if clicked != "schedule":
        return t(SAVES[clicked][1], title=title)
    return t("news.compose.scheduled_for", title=title,
             when=format_datetime(publish_at, v.loc, "long"),
             audience=escape_markdown(audience_text(v, data.audience)),
             count=read(news.audience_headcount, v.actor, data.audience))


def _save(v: Viewer, clicked: str, nonce: int) -> None:
    """A save button's callback: it runs before the page is drawn, so the composer is
    drawn once, on the saved version and with the message above it (one run, not two)."""
    if st.session_state.get("news_form_nonce", 0) != nonce:
        return  # the form this click belongs to was saved or replaced already
    with said_at(PLACE):
        _save_filled(v, clicked, nonce)


def _save_filled(v: Viewer, clicked: str, nonce: int) -> None:
    detail = _item_being_edited(v)
    filled = _filled(v, detail, _Keys(nonce))
    if filled.time_refused:  # the field says why when it is drawn; write nothing
        keep_refusal(PLACE, t("date.fix_before_saving"))
        return
    publish_at = filled.publish_at
    if clicked == "publish" and publish_at is not None and publish_at > utcnow():
        clicked = "schedule"  # a filled-in future time is what "publish" means then
    action, _ = SAVES[clicked]
    times = (publish_at,) if clicked == "schedule" else ()
    outcome = write_in_callback(PLACE, action, filled.data, *times,
                                item_id=detail.id if detail else None,
                                expected_version=st.session_state.get("news_edit_version"))
    if outcome.ok:
        saved: news.Saved = outcome.value
        reads.invalidate_all()
        flash(_saved_message(v, clicked, filled.data, publish_at))
        # A new nonce: the composer is drawn with fresh widgets, on the saved version.
        st.session_state.update(news_edit_id=saved.id, news_edit_version=saved.version,
                                news_form_nonce=nonce + 1)


def show_compose(v: Viewer) -> None:
    detail = _item_being_edited(v)
    key = _Keys(st.session_state.get("news_form_nonce", 0))
    if not _show_editing(detail):
        return
    events = {c.id for c in reads.categories(True) if c.is_event}
    category_id = _text_fields(detail, key)
    _file_fields(v, detail, key)
    _reach_fields(v, detail, key)
    _time_fields(v, detail, key, category_id in events)
    _buttons(v, detail.stage if detail else None, key)
