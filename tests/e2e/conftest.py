"""Browser tests: the real app in a subprocess, driven by Debian's Chromium.

Without Chromium (a laptop) these tests skip; with CI=true they fail instead.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from dashboard.replicas import wait_healthy
from data_access import db
from data_access.demo import DEMO_PASSWORD, seed_demo
from tests.conftest import set_saved_locale

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "e2e" / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic",
                 "--no-first-run"]


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(reason)


@dataclass
class LiveApp:
    url: str
    db_url: str

    def engine(self):
        return db.get_engine(self.db_url)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The app served on a free port over a fresh demo database (scale S)."""
    if not Path(CHROMIUM).exists():
        _unavailable(f"no Chromium at {CHROMIUM}")
    workdir = tmp_path_factory.mktemp("live")
    db_url = f"sqlite:///{workdir / 'live.db'}"
    engine = db.get_engine(db_url)
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        seed_demo(session, "S", seed=11)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "INTRANET_DATA_DIR": str(workdir),
           "INTRANET_COOKIE_KEY": os.urandom(32).hex(), "INTRANET_BCRYPT_ROUNDS": "4"}
    log = open(workdir / "streamlit.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "dashboard.launch",  # as `make run` and the units start it
         "--server.headless", "true", "--server.port", str(port),
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, seconds=60)
    except RuntimeError:
        process.terminate()
        pytest.fail(f"the app did not start; see {workdir / 'streamlit.log'}")
    yield LiveApp(url, db_url)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _unavailable(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session", autouse=True)
def warm_app(live_app, browser):
    """Open the app once before the first test: the first script run imports every
    module, which on a busy machine can take longer than a test waits for a page."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(live_app.url)
        page.get_by_role("textbox", name=LABELS["fa"]["username"]).wait_for(timeout=120_000)
    finally:
        context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.e2e_failed = report.failed


@pytest.fixture
def page(browser, request):
    """A fresh browser context (no cookies) and page; dialogs are recorded, not accepted.
    A failed test leaves a screenshot of where it stopped in the artifacts folder."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fa-IR")
    page = context.new_page()
    page.dialogs = []  # an alert() from injected script would land here

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.set_default_timeout(30_000)  # CI machines are shared; a cold page can be slow
    yield page
    if getattr(request.node, "e2e_failed", False):
        try:
            screenshot(page, f"FAILED-{request.node.name}")
        except Exception:  # noqa: BLE001 - the failure itself is what gets reported
            pass
    context.close()


LABELS = {
    "fa": {"username": "نام کاربری", "password": "گذرواژه", "submit": "ورود", "home": "خانه"},
    "en": {"username": "Username", "password": "Password", "submit": "Sign in", "home": "Home"},
}


def choose_language(page, locale: str) -> None:
    """Press the language button on the sign-in page (it names the other language)."""
    page.get_by_role("button", name="English" if locale == "en" else "فارسی").first.click()
    page.get_by_role("textbox", name=LABELS[locale]["username"]).wait_for()
    settle(page, 300)


def reset_saved_locale(live_app: LiveApp, username: str, locale: str = "fa") -> None:
    """Start from a known account language, whatever an earlier test chose."""
    set_saved_locale(live_app.engine(), username, locale)


def login(page, live_app: LiveApp, username: str, locale: str = "fa",
          password: str = DEMO_PASSWORD, expect_success: bool = True) -> None:
    """Open the app and sign in through the real form, in `locale`."""
    reset_saved_locale(live_app, username)
    page.goto(live_app.url)
    page.get_by_role("textbox", name=LABELS["fa"]["username"]).wait_for()
    # The first run of a new session may still
    # be going: a click sent in the middle of one can be lost on a starved machine.
    settle(page, 300)
    if locale != "fa":
        choose_language(page, locale)
    labels = LABELS[locale]
    page.get_by_role("textbox", name=labels["username"]).fill(username)
    page.get_by_role("textbox", name=labels["password"]).fill(password)
    page.get_by_role("button", name=labels["submit"], exact=True).click()
    if expect_success:
        page.locator('[data-testid="stSidebarNav"]').wait_for()
        # The sign-in cookie is written by a script in the page a moment later.
        for _ in range(50):
            if any(c["name"] == "peyvand_auth" for c in page.context.cookies()):
                break
            page.wait_for_timeout(100)


RUNNING = ('[data-testid="stStatusWidgetRunningIcon"],'
           ' [data-testid="stStatusWidgetRunningManIcon"]')


def settle(page, ms: int = 800) -> None:
    """Let Streamlit finish a rerun before looking at the page: a pause (a rerun
    may not have started yet), then wait while the status widget says running."""
    page.wait_for_timeout(ms)
    try:
        page.wait_for_function(f"() => !document.querySelector('{RUNNING}')", timeout=15_000)
    except Exception:  # noqa: BLE001 - a slow page is reported by the caller's own check
        pass


def direction(page, expected: str | None = None) -> str:
    """The app's text direction; with `expected`, wait (up to 10 s) for the rerun
    that applies it, since the previous page stays on screen while Streamlit reruns."""
    script = "() => getComputedStyle(document.querySelector('.stApp')).direction"
    if expected:
        try:
            page.wait_for_function(f"() => ({script})() === '{expected}'", timeout=10_000)
        except Exception:  # noqa: BLE001 - the caller's assertion reports what was seen
            pass
    return page.evaluate(script)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def goto(page, live_app: LiveApp, path: str) -> None:
    page.goto(f"{live_app.url}/{path.lstrip('/')}")
    page.locator('[data-testid="stSidebarNav"]').wait_for()
    settle(page)


@pytest.fixture
def e2e_tools():
    """The helpers above, for test modules that prefer a fixture to an import."""
    return {"login": login, "screenshot": screenshot, "settle": settle, "goto": goto,
            "choose_language": choose_language}
