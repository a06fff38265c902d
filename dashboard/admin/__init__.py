"""Administration in the web layer: pages/admin.py routes between the sections here
(users, departments, CSV import, audit log); every rule is data_access's."""
