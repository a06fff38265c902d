"""Internal news: every rule about announcements and every query that reads them.

The public API of the feature; dashboard and pages import only these names.

- rules: the life cycle (stages, which action is allowed in which stage);
- categories: the built-in and added categories;
- files: upload checks for covers and attachments;
- publishing (pr, admin): drafts, scheduling, publishing, expiry, archiving, pinning;
- reading (everyone): the feed, one item, receipts, the unread count, the urgent banner;
- comments, events (upcoming event items by Jalali month), managing (pr/admin's lists);
- reach (pr, admin; managers for their subtree): reach of an item, who has not
  acknowledged yet, and activity over time.

Every function takes `now` so that tests can move the clock; the app passes nothing.
"""

from data_access.models.news import PRIORITIES
from data_access.news.categories import (
    BUILTIN_CATEGORIES,
    CATEGORY_NAME_MAX,
    EVENT,
    Category,
    add_category,
    categories,
    category_id,
    ensure_builtin_categories,
    set_category_active,
)
from data_access.news.comments import (
    COMMENT_MAX,
    CommentView,
    add_comment,
    comments,
    set_comment_hidden,
)
from data_access.news.events import EventItem, EventMonth, upcoming_events
from data_access.news.files import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES,
    ATTACHMENTS_MAX,
    IMAGE_MAX_BYTES,
    MB,
    Upload,
    check_attachment,
    check_image,
)
from data_access.news.managing import (
    ManagedItem,
    audience_headcount,
    manage_list,
    stage_counts,
)
from data_access.news.publishing import (
    BODY_MAX,
    TITLE_MAX,
    AnnouncementInput,
    Saved,
    archive,
    delete_draft,
    expire_now,
    load_for_edit,
    publish,
    save_draft,
    schedule,
    set_comments_enabled,
    set_pinned,
    withdraw,
)
from data_access.news.reach import (
    Activity,
    CategoryReadRate,
    DepartmentReach,
    ItemReach,
    MonthCount,
    PendingPerson,
    ReachChoice,
    activity,
    item_reach,
    pending_acknowledgements,
    reach_items,
)
from data_access.news.reading import (
    PAGE_SIZE,
    FeedItem,
    FileInfo,
    ItemDetail,
    StoredFile,
    UrgentNotice,
    acknowledge,
    dismiss_banner,
    excerpt,
    feed,
    file_content,
    get_item,
    mark_read,
    unread_count,
    urgent_notices,
    urgent_version,
)
from data_access.news.rules import STAGES, Action, Priority, Stage, allowed, released, stage_of

__all__ = [
    # rules
    "PRIORITIES", "STAGES", "Action", "Priority", "Stage", "allowed", "released", "stage_of",
    # categories
    "BUILTIN_CATEGORIES", "CATEGORY_NAME_MAX", "EVENT", "Category", "add_category",
    "categories", "category_id", "ensure_builtin_categories", "set_category_active",
    # files
    "ATTACHMENT_MAX_BYTES", "ATTACHMENT_TYPES", "ATTACHMENTS_MAX", "IMAGE_MAX_BYTES", "MB",
    "Upload", "check_attachment", "check_image",
    # publishing
    "BODY_MAX", "TITLE_MAX", "AnnouncementInput", "Saved", "archive", "delete_draft",
    "expire_now", "load_for_edit", "publish", "save_draft", "schedule",
    "set_comments_enabled", "set_pinned", "withdraw",
    # reading
    "PAGE_SIZE", "FeedItem", "FileInfo", "ItemDetail", "StoredFile", "UrgentNotice",
    "acknowledge", "dismiss_banner", "excerpt", "feed", "file_content", "get_item",
    "mark_read", "unread_count", "urgent_notices", "urgent_version",
    # comments, events, managing
    "COMMENT_MAX", "CommentView", "add_comment", "comments", "set_comment_hidden",
    "EventItem", "EventMonth", "upcoming_events",
    "ManagedItem", "audience_headcount", "manage_list", "stage_counts",
    # reach
    "Activity", "CategoryReadRate", "DepartmentReach", "ItemReach", "MonthCount",
    "PendingPerson", "ReachChoice", "activity", "item_reach", "pending_acknowledgements",
    "reach_items",
]
