"""Foundation pages: the home page every user opens and the admin page."""

from bench.harness import BenchPage

PAGES = [
    BenchPage("home (employee)", "home.py", "employee"),
    BenchPage("admin users (admin)", "admin.py", "admin"),
]
