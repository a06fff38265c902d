"""Administration (/admin, admins only): users, departments, CSV import and the audit log.

The sections are in dashboard/admin/; every rule is in data_access:
- users: users.search_users (paged), users.create_user, users.update_user,
  users.set_active, users.reset_password;
- departments: departments.create, rename, move, set_active;
- import: imports.preview, imports.prepare, imports.apply;
- audit: audit.actions, audit.search (paged).
"""

import streamlit as st

from dashboard.admin import audit, departments, imports, users
from dashboard.admin.viewer import Viewer
from dashboard.ui import require_page, t

viewer = Viewer.of(require_page("administer"))
st.title(t("nav.admin"))
SECTIONS = {"users": ("admin.tab_users", users.show),
            "departments": ("admin.tab_departments", departments.show),
            "import": ("admin.tab_import", imports.show),
            "audit": ("admin.tab_audit", audit.show)}

# Only the chosen section runs, so a page of 60,000 users or a long audit log
# is queried only when the admin looks at it.
if st.session_state.get("admin_section") is None:  # clicking the chosen section unselects it
    st.session_state["admin_section"] = "users"
labels = {key: t(label) for key, (label, _) in SECTIONS.items()}
section = st.segmented_control(t("admin.section"), list(SECTIONS), key="admin_section",
                               format_func=labels.get, label_visibility="collapsed")
SECTIONS[section][1](viewer)
