"""Load harness: N browserless sessions speaking Streamlit's own websocket protocol.

    python -m dashboard demo-load-accounts --count 40 --password load-pass-1
    python -m bench.load --url http://127.0.0.1:8501 --users 40 --duration 60 --think 10 \
        --mix employee=0.8,manager=0.15,pr=0.05 --ramp 30 --password load-pass-1

Each session opens `/_stcore/stream`, sends the `rerun_script` BackMsg a browser sends
(ClientState with widget states and the page's script hash), signs in through the real
sign-in form (the username and password text inputs and the form's submit button, as
widget states), then walks its role's pages with think time. It answers the cookie
component the way the browser's component does (its value comes back as a widget state,
which reruns the script), so a session costs the server what a browser tab costs.

An interaction is timed from the request to the `script_finished` of the last run it
causes. Only 127.0.0.1 is accepted as a target; users and duration are bounded and the
run stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import websockets
from sqlalchemy import distinct, func, select
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from data_access import db
from data_access.demo import load_usernames, parse_mix
from data_access.models import User
from data_access.models.surveys import SurveyParticipation, SurveySubmissionPool, SurveyWave

MAX_USERS = 500
MAX_DURATION = 1800.0
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
COOKIE_COMPONENT = "extra_streamlit_components.CookieManager.cookie_manager"
DOCUMENT_COOKIE = re.compile(r"document\.cookie = (\"(?:[^\"\\\\]|\\\\.)*\");")
OPEN_ITEM = re.compile(r"-news_open_\d+$")
ACK_BANNER = re.compile(r"-banner_ack_\d+$")
ANSWER_WAVE = re.compile(r"-answer_(\d+)$")  # "answer now" on the list of open waves
SURVEY_ANSWER = re.compile(r"-survey_answer_(\d+)_\d+$")
SURVEY_SUBMIT = re.compile(r"-survey_submit_(\d+)$")
LOCALES = Path(__file__).resolve().parent.parent / "dashboard" / "locales"
# What each role does in one round, after signing in (url paths; "" is home). "acknowledge"
# clicks an urgent notice's button when one is waiting, "answer-survey" answers the open
# wave once (both are skipped when there is nothing left to do).
ROUNDS = {
    "employee": ["", "acknowledge", "announcements", "open-item", "surveys", "answer-survey"],
    "manager": ["", "acknowledge", "announcements", "open-item", "surveys", "answer-survey",
                "survey-results"],
    "pr": ["", "acknowledge", "announcements", "open-item", "surveys", "answer-survey",
           "survey-results"],
}
# The survey "morning rush": sign in, open the surveys page, answer the open wave, leave.
RUSH = ["surveys", "answer-survey"]


def _app_error_patterns() -> re.Pattern:
    """The app's own error messages (`errors.*` in every language), e.g. the apology
    with a reference. Other red boxes, such as an urgent notice, are content."""
    texts = []
    for path in LOCALES.glob("core.*.json"):
        texts += [text for key, text in json.loads(path.read_text("utf-8")).items()
                  if key.startswith("errors.")]
    return re.compile("|".join(
        "^" + ".*".join(re.escape(part) for part in re.split(r"\{\w+\}", text)) + "$"
        for text in texts), re.S)


APP_ERROR = _app_error_patterns()
SURVEY_THANKS = {json.loads(path.read_text("utf-8"))["surveys.thanks"]
                 for path in LOCALES.glob("surveys.*.json")}


class SessionError(Exception):
    """Something a user would have seen go wrong: kind is the error's category."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind


@dataclass
class Outcome:
    """What one run of the script showed."""

    exceptions: list[str] = field(default_factory=list)
    error_alerts: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    runs: int = 0  # script runs the interaction caused (reruns for the cookie component too)
    elements: dict[str, object] = field(default_factory=dict)  # widget id -> element


class Session:
    """One browser tab, without the browser."""

    def __init__(self, url: str, timeout: float) -> None:
        parts = urlsplit(url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        self.stream = f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
        self.url = url
        self.timeout = timeout
        self.ws = None
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.page_hash = ""
        self.query_string = ""
        self.cookies: dict[str, str] = {}
        self.component_values: dict[str, str] = {}  # widget id -> json value, kept
        self.answered: set[str] = set()  # component instances already answered
        self.last = Outcome()
        self.http_cookies: dict[str, str] = {}
        self.replica = ""  # who served the page, when the proxy says (serve --show-replica)

    def _load_page(self) -> None:
        """GET the page first, as a browser does: a proxy's affinity cookie comes with it."""
        with urllib.request.urlopen(self.url, timeout=self.timeout) as response:
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.http_cookies[name.strip()] = rest.split(";", 1)[0]
            self.replica = response.headers.get("X-Peyvand-Replica", "")

    async def connect(self) -> None:
        try:
            await asyncio.to_thread(self._load_page)
            headers = ({"Cookie": "; ".join(f"{k}={v}" for k, v in self.http_cookies.items())}
                       if self.http_cookies else None)
            self.ws = await asyncio.wait_for(websockets.connect(
                self.stream, subprotocols=["streamlit"], max_size=None, open_timeout=self.timeout,
                ping_interval=None, additional_headers=headers), self.timeout)
        except (OSError, TimeoutError, websockets.WebSocketException) as error:
            raise SessionError("connect", repr(error)) from error

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    def _rerun(self, widgets: list[WidgetState], page_hash: str | None = None,
               page_name: str = "") -> BackMsg:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_hash if page_hash is None else page_hash
        state.page_name = page_name
        for widget_id, value in self.component_values.items():
            state.widget_states.widgets.add(id=widget_id, json_value=value)
        state.widget_states.widgets.extend(widgets)
        return msg

    async def interact(self, widgets: list[WidgetState] | None = None,
                       page_hash: str | None = None, page_name: str = "") -> Outcome:
        """Send one rerun and wait until the app is idle again: the `script_finished` of a
        run that started after the last message sent. A component is answered the moment
        it appears, mid-run, as the browser does (the server then stops that run early and
        starts another)."""
        outcome = Outcome()
        deadline = time.monotonic() + self.timeout
        runs_started = 0
        await self._send(self._rerun(widgets or [], page_hash, page_name))
        last_sent_at_run = runs_started
        while True:
            msg = await self._receive(deadline)
            kind = msg.WhichOneof("type")
            if kind == "new_session":  # sent at the start of every script run
                runs_started += 1
                outcome.runs = runs_started
            elif kind == "delta":
                reply = self._element(msg, outcome)
                if reply is not None:
                    await self._send(reply)
                    last_sent_at_run = runs_started
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash
                              for p in msg.navigation.app_pages}
                self.page_hash = msg.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query_string = msg.page_info_changed.query_string
            elif kind == "page_not_found":
                raise SessionError("page_not_found", msg.page_not_found.page_name)
            elif kind == "script_finished":
                status = msg.script_finished
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise SessionError("compile_error")
                if status in FINISHED and runs_started > last_sent_at_run:
                    self.last = outcome
                    return outcome

    async def _send(self, msg: BackMsg) -> None:
        try:
            await self.ws.send(msg.SerializeToString())
        except websockets.WebSocketException as error:
            raise SessionError("disconnect", repr(error)) from error

    async def _receive(self, deadline: float) -> ForwardMsg:
        try:
            data = await asyncio.wait_for(self.ws.recv(), max(0.0, deadline - time.monotonic()))
        except TimeoutError as error:
            raise SessionError("timeout") from error
        except websockets.WebSocketException as error:
            raise SessionError("disconnect", repr(error)) from error
        msg = ForwardMsg()
        msg.ParseFromString(data)
        return msg

    def _element(self, msg: ForwardMsg, outcome: Outcome) -> BackMsg | None:
        if msg.delta.WhichOneof("type") != "new_element":
            return None
        element = msg.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            outcome.exceptions.append(f"{element.exception.type}: {element.exception.message}")
        elif kind == "alert":
            outcome.alerts.append(element.alert.body)
            if APP_ERROR.match(element.alert.body):
                outcome.error_alerts.append(element.alert.body)
        elif kind == "component_instance":
            return self._component(element.component_instance)
        elif kind == "html":
            self._document_cookie(element.html.body)
        else:
            widget_id = getattr(getattr(element, kind), "id", "")
            if isinstance(widget_id, str) and widget_id.startswith("$$ID-"):
                outcome.elements[widget_id] = getattr(element, kind)
        return None

    def _document_cookie(self, body: str) -> None:
        """The sign-in cookie as the app writes it (auth.DocumentCookies): a script
        `document.cookie = "name=value; path=/; expires=…"` — a browser stores or, with an
        expiry in 1970, deletes it; so does this client."""
        match = DOCUMENT_COOKIE.search(body)
        if match is None:
            return
        name, _, rest = json.loads(match[1]).partition("=")
        value = rest.split(";", 1)[0]
        if value and "1970" not in rest:
            self.cookies[name.strip()] = value
        else:
            self.cookies.pop(name.strip(), None)

    def _component(self, component) -> BackMsg | None:
        """The cookie manager's browser side: `getAll` reports the cookies, `set` stores
        one and reports true; each instance answers once, when it first appears."""
        if component.component_name != COOKIE_COMPONENT or component.id in self.answered:
            return None
        self.answered.add(component.id)
        args = json.loads(component.json_args or "{}")
        if args.get("method") == "getAll":
            self.component_values[component.id] = json.dumps(self.cookies)
        elif args.get("method") == "set":
            self.cookies[args["cookie"]] = str(args["value"])
            self.component_values[component.id] = "true"
        elif args.get("method") == "delete":
            self.cookies.pop(args.get("cookie"), None)
            self.component_values[component.id] = "true"
        else:
            return None
        return self._rerun([])

    # --- what a user does ------------------------------------------------------------------
    async def open_app(self) -> Outcome:
        return await self.interact(page_name="")

    async def sign_in(self, username: str, password: str) -> Outcome:
        fields = list(self.last.elements.items())
        inputs = [wid for wid, el in fields if getattr(el, "form_id", "") == "login"
                  and hasattr(el, "type") and hasattr(el, "max_chars")]
        submit = [wid for wid, el in fields if getattr(el, "is_form_submitter", False)]
        if len(inputs) != 2 or not submit:
            raise SessionError("no_sign_in_form")
        widgets = [WidgetState(id=inputs[0], string_value=username),
                   WidgetState(id=inputs[1], string_value=password),
                   WidgetState(id=submit[0], trigger_value=True)]
        outcome = await self.interact(widgets)
        if len(self.pages) <= 1:  # still only the sign-in page
            raise SessionError("sign_in_refused", username)
        return outcome

    def _widgets(self, pattern: re.Pattern) -> list[str]:
        return [wid for wid in self.last.elements if pattern.search(wid)]

    async def acknowledge(self) -> Outcome | None:
        """Click the first urgent notice's "acknowledge" button; None if none is waiting."""
        buttons = self._widgets(ACK_BANNER)
        if not buttons:
            return None
        outcome = await self.interact([WidgetState(id=buttons[0], trigger_value=True)])
        if buttons[0] in outcome.elements:
            raise SessionError("not_acknowledged", buttons[0])
        return outcome

    async def answer_survey(self, rng: random.Random) -> Outcome | None:
        """On /surveys: open the first wave not yet answered, fill every answer widget and
        submit the form once. None if no wave is waiting for this person."""
        buttons = self._widgets(ANSWER_WAVE)
        if not buttons:
            return None
        await self.interact([WidgetState(id=buttons[0], trigger_value=True)])
        submit = self._widgets(SURVEY_SUBMIT)
        if len(submit) != 1:
            raise SessionError("no_survey_form", self.query_string)
        widgets = []
        for wid in self._widgets(SURVEY_ANSWER):
            element = self.last.elements[wid]
            if hasattr(element, "options"):  # a radio: a scale or a choice, sent as the
                # option's text, as the browser sends it
                widgets.append(WidgetState(id=wid, string_value=rng.choice(element.options)))
            else:  # the comment box
                widgets.append(WidgetState(id=wid, string_value="نظر آزمون بار"))
        if not widgets:
            raise SessionError("no_survey_answers")
        outcome = await self.interact(widgets + [WidgetState(id=submit[0], trigger_value=True)])
        if not SURVEY_THANKS & set(outcome.alerts):
            raise SessionError("survey_not_recorded", "; ".join(outcome.alerts)[:200])
        return outcome

    async def visit(self, path: str) -> Outcome:
        if path == "open-item":
            buttons = [wid for wid in self.last.elements if OPEN_ITEM.search(wid)]
            if not buttons:
                raise SessionError("no_item_to_open")
            outcome = await self.interact([WidgetState(id=buttons[0], trigger_value=True)])
            if "item=" not in self.query_string:
                raise SessionError("item_not_opened", self.query_string)
            return outcome
        if path not in self.pages:
            raise SessionError("page_not_in_navigation", path)
        self.query_string = ""
        outcome = await self.interact(page_hash=self.pages[path])
        if self.page_hash != self.pages[path]:
            raise SessionError("wrong_page", path)
        return outcome


@dataclass
class Report:
    users: int
    duration: float
    timings: dict[str, list[float]] = field(default_factory=dict)  # interaction -> seconds
    errors: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    signed_in: int = 0
    rss: dict[str, int] = field(default_factory=dict)  # kB: start, peak, end
    replicas: dict[str, int] = field(default_factory=dict)  # sessions per replica, if known
    elapsed: float = 0.0
    submitted: int = 0  # survey forms the harness saw recorded ("thank you")
    rush_ok: bool | None = None  # the rush's database check, when it ran
    linger: float = 0.0
    database: list[str] = field(default_factory=list)  # the rush's check, as printed

    def add(self, name: str, seconds: float) -> None:
        self.timings.setdefault(name, []).append(seconds)

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        if len(self.error_samples) < 10:
            self.error_samples.append(f"{kind}: {detail}"[:300])

    @property
    def interactions(self) -> int:
        """Page changes and clicks after sign-in (the sign-in itself is counted apart)."""
        return sum(len(v) for k, v in self.timings.items() if k not in {"open_app", "sign_in"})

    def page_timings(self) -> list[float]:
        return [t for k, v in self.timings.items() if k not in {"open_app", "sign_in"} for t in v]

    def as_text(self) -> str:
        lines = [f"users {self.users}, signed in {self.signed_in}, elapsed {self.elapsed:.0f} s, "
                 f"interactions {self.interactions} "
                 f"({self.interactions / max(self.elapsed, 1e-9):.2f}/s), "
                 f"surveys submitted {self.submitted}",
                 f"{'interaction':<22}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}"
                 f"{'max ms':>10}"]
        rows = [(k, v) for k, v in self.timings.items()] + [("all pages", self.page_timings())]
        for name, values in rows:
            if values:
                p = percentiles(values)
                lines.append(f"{name:<22}{len(values):>6}{p[50]:>10.0f}{p[95]:>10.0f}"
                             f"{p[99]:>10.0f}{max(values) * 1000:>10.0f}")
        total = sum(self.errors.values())
        lines.append(f"errors {total}" + (": " + ", ".join(
            f"{k} {v}" for k, v in sorted(self.errors.items())) if total else ""))
        lines += [f"  e.g. {sample}" for sample in self.error_samples[:5]]
        lines += self.database
        if self.replicas:
            lines.append("sessions per replica: " + ", ".join(
                f"{k} {v}" for k, v in sorted(self.replicas.items())))
        if self.rss:
            per = (self.rss["peak"] - self.rss["start"]) / max(self.signed_in, 1)
            lines.append(f"server RSS: start {self.rss['start'] / 1024:.0f} MB, peak "
                         f"{self.rss['peak'] / 1024:.0f} MB, end {self.rss['end'] / 1024:.0f} MB "
                         f"(~{per / 1024:.1f} MB per signed-in session)")
        if self.rss.get("after"):
            lines.append(f"server RSS {self.linger:.0f} s after every session closed: "
                         f"{self.rss['after'] / 1024:.0f} MB")
        return "\n".join(lines)


def percentiles(values: list[float]) -> dict[int, float]:
    """p50/p95/p99 in milliseconds (nearest rank)."""
    ordered = sorted(values)
    return {p: ordered[min(len(ordered) - 1, max(0, -(-p * len(ordered) // 100) - 1))] * 1000
            for p in (50, 95, 99)}


# --- the server's memory, from /proc ------------------------------------------------------------
def listening_pid(port: int) -> int | None:
    """The pid of the process listening on 127.0.0.1:`port` (Linux /proc; None if unknown)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            cols = row.split()
            if cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(cols[9])
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    return int(proc.name)
        except OSError:
            continue
    return None


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


# --- the run ------------------------------------------------------------------------------------
@dataclass
class Config:
    url: str
    users: int
    duration: float
    think: float
    mix: dict[str, float]
    password: str
    ramp: float = 0.0
    timeout: float = 30.0
    server_pid: int | None = None
    seed: int = 1
    rush: bool = False  # each user signs in, answers the open survey once and leaves
    idle: bool = False  # each user signs in and then does nothing until the end
    linger: float = 0.0  # after every session closed, keep reading the server's RSS (s)
    database_url: str | None = None  # the server's database, for the rush's check
    rounds: int = 0  # stop each user after this many rounds of pages (0: at the duration)


# --- the rush's check, in the server's database -------------------------------------------------
def survey_counts(database_url: str, usernames: list[str]) -> dict[str, int]:
    """Rows of the open waves: sealed submissions (all), and these users' participation."""
    engine = db.get_engine(database_url)
    with db.session_scope(engine) as session:
        waves = select(SurveyWave.id).where(SurveyWave.status == "open")
        ids = select(User.id).where(User.username.in_(usernames))
        mine = (SurveyParticipation.wave_id.in_(waves), SurveyParticipation.user_id.in_(ids))
        return {
            "pool": session.scalar(select(func.count()).select_from(SurveySubmissionPool)
                                   .where(SurveySubmissionPool.wave_id.in_(waves))),
            "participation": session.scalar(select(func.count()).select_from(
                SurveyParticipation).where(*mine)),
            "participants": session.scalar(select(func.count(distinct(
                SurveyParticipation.user_id))).where(*mine)),
        }


def rush_check(before: dict[str, int], after: dict[str, int], report: Report) -> list[str]:
    """Submissions stored = participation rows = users, 0 duplicates, 0 errors."""
    stored = after["pool"] - before["pool"]
    participation = after["participation"] - before["participation"]
    duplicates = after["participation"] - after["participants"]
    errors = sum(report.errors.values())
    ok = (stored == participation == report.users == report.submitted and duplicates == 0
          and errors == 0 and before["participation"] == 0)
    lines = [f"rush check (database): users {report.users}, forms recorded {report.submitted}, "
             f"submissions stored {stored}, participation rows {participation}, "
             f"duplicates {duplicates}, errors {errors}: {'OK' if ok else 'NOT OK'}"]
    if before["participation"]:
        lines.append(f"  {before['participation']} of these accounts had already answered the "
                     "open wave before the run: use a fresh database or new accounts")
    return lines


def check_target(config: Config) -> None:
    parts = urlsplit(config.url)
    if parts.scheme not in {"http", "https"} or parts.hostname not in LOCAL_HOSTS:
        raise ValueError("load runs go only to this machine: use http://127.0.0.1:PORT")
    if not 1 <= config.users <= MAX_USERS:
        raise ValueError(f"--users must be between 1 and {MAX_USERS}")
    if not 0 < config.duration <= MAX_DURATION:
        raise ValueError(f"--duration must be between 0 and {MAX_DURATION:.0f} seconds")
    if not 0 <= config.linger <= 600:
        raise ValueError("--linger must be between 0 and 600 seconds")
    if config.think < 0 or config.ramp < 0 or config.ramp > config.duration:
        raise ValueError("--think and --ramp must be positive; the ramp fits in the duration")


async def _user(index: int, username: str, role: str, config: Config, report: Report,
                stop_at: float) -> None:
    rng = random.Random(config.seed * 100_003 + index)
    if config.ramp:
        await asyncio.sleep(config.ramp * index / config.users)
    session = Session(config.url, config.timeout)

    async def step(name: str, action) -> Outcome:
        started = time.perf_counter()
        outcome = await action
        report.add(name, time.perf_counter() - started)
        for text in outcome.exceptions:
            report.error("exception", f"{username} {name}: {text}")
        for text in outcome.error_alerts:
            report.error("error_message", f"{username} {name}: {text}")
        return outcome

    try:
        await session.connect()
        if session.replica:
            report.replicas[session.replica] = report.replicas.get(session.replica, 0) + 1
        await step("open_app", session.open_app())
        await step("sign_in", session.sign_in(username, config.password))
        report.signed_in += 1
        if config.idle:  # an open tab nobody touches: signed in, then nothing until the end
            await asyncio.sleep(max(0.0, stop_at - time.monotonic()))
            return
        answered = False
        rounds_done = 0
        while True:
            for path in (RUSH if config.rush else ROUNDS[role]):
                if path == "acknowledge" and not session._widgets(ACK_BANNER):
                    continue  # nothing waiting: no click, no think time
                if path == "answer-survey" and (answered or not session._widgets(ANSWER_WAVE)):
                    if config.rush:
                        raise SessionError("no_open_wave", "nothing to answer on /surveys")
                    continue
                # Think time: a person reads before the next click (0.5-1.5 x --think).
                pause = config.think * rng.uniform(0.5, 1.5)
                if time.monotonic() + pause >= stop_at:
                    return
                await asyncio.sleep(pause)
                if path == "acknowledge":
                    await step("acknowledge", session.acknowledge())
                elif path == "answer-survey":
                    await step("answer_survey", session.answer_survey(rng))
                    answered = True
                    report.submitted += 1
                else:
                    await step(f"page:{path or 'home'}" if path != "open-item" else "open_item",
                               session.visit(path))
            rounds_done += 1
            if config.rush or rounds_done == config.rounds:
                return
    except SessionError as error:
        report.error(error.kind, f"{username}: {error}")
    finally:
        await session.close()


async def run(config: Config) -> Report:
    """Run the load and return the report; stops by itself after the duration."""
    check_target(config)
    report = Report(config.users, config.duration)
    port = urlsplit(config.url).port or 80
    pid = config.server_pid or listening_pid(port)
    if not config.server_pid and pid and _command(pid) == "nginx":
        pid = None  # a proxy's memory says nothing; give --server-pid for a replica
    if pid and rss_kb(pid):
        report.rss = {"start": rss_kb(pid), "peak": rss_kb(pid), "end": rss_kb(pid)}
    started = time.monotonic()
    stop_at = started + config.duration
    accounts = load_usernames(config.users, config.mix)
    if config.rush:
        names = [name for name, _ in accounts]
        before = await asyncio.to_thread(survey_counts, config.database_url, names)
    tasks = [asyncio.create_task(_user(i, name, role, config, report, stop_at))
             for i, (name, role) in enumerate(accounts)]

    async def sample_memory() -> None:
        while pid and report.rss:
            value = rss_kb(pid)
            if value:
                report.rss["peak"] = max(report.rss["peak"], value)
                report.rss["end"] = value
            await asyncio.sleep(1)

    sampler = asyncio.create_task(sample_memory())
    # A hard stop: the duration plus one interaction's timeout, whatever happens.
    done, pending = await asyncio.wait(tasks, timeout=config.duration + config.timeout + 5)
    for task in pending:
        task.cancel()
        report.error("stopped", "a session was still busy at the hard stop")
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        if task.exception() is not None:
            report.error("harness", repr(task.exception()))
    sampler.cancel()
    report.elapsed = time.monotonic() - started
    if pid and report.rss and rss_kb(pid):
        report.rss["end"] = rss_kb(pid)
    if pid and report.rss and config.linger:
        # Streamlit drops a closed tab's session after server.disconnectedSessionTTL.
        await asyncio.sleep(config.linger)
        report.rss["after"] = rss_kb(pid) or 0
        report.linger = config.linger
    if config.rush:
        after = await asyncio.to_thread(survey_counts, config.database_url, names)
        report.database = rush_check(before, after, report)
        report.rush_ok = report.database[0].endswith(": OK")
    return report


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000 if values else float("nan")


def run_coroutine(coroutine):
    """asyncio.run from synchronous code, in a thread of its own when this thread
    already runs an event loop (Playwright's sync API does, in the same test process)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def run_sync(config: Config):
    """Run the load from synchronous code (see run_coroutine)."""
    return run_coroutine(run(config))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split(
        "\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8501")
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--duration", type=float, help="seconds (run stops then); default 60, "
                        "with --rush the ramp plus 120")
    parser.add_argument("--think", type=float, default=10.0, help="mean think time, seconds")
    parser.add_argument("--mix", default="employee=0.8,manager=0.15,pr=0.05")
    parser.add_argument("--ramp", type=float, help="start users over R seconds (default 0, "
                        "with --rush 60)")
    parser.add_argument("--password", default=os.environ.get("PEYVAND_LOAD_PASSWORD", ""),
                        help="the load accounts' password (python -m dashboard "
                        "demo-load-accounts); default $PEYVAND_LOAD_PASSWORD")
    parser.add_argument("--timeout", type=float, default=30.0, help="per interaction, seconds")
    parser.add_argument("--server-pid", type=int, help="measure this process's RSS "
                        "(default: whoever listens on the URL's port)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rush", action="store_true", help="survey morning rush: each user "
                        "signs in (spread over --ramp), answers the open survey once and "
                        "leaves; then the database is checked")
    parser.add_argument("--idle", action="store_true", help="each user signs in and then "
                        "keeps the tab open without a click until the duration ends")
    parser.add_argument("--linger", type=float, default=0.0, help="after the sessions "
                        "closed, wait S seconds and read the server's RSS again")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="the server's database, for --rush's check; default $DATABASE_URL")
    args = parser.parse_args(argv)
    ramp = args.ramp if args.ramp is not None else (60.0 if args.rush else 0.0)
    duration = args.duration or ((ramp + 120.0) if args.rush else 60.0)
    try:
        config = Config(args.url, args.users, duration, args.think, parse_mix(args.mix),
                        args.password, ramp, args.timeout, args.server_pid, args.seed,
                        rush=args.rush, database_url=args.database_url, idle=args.idle,
                        linger=args.linger)
        if not config.password:
            raise ValueError("give --password (or PEYVAND_LOAD_PASSWORD)")
        if config.rush and not config.database_url:
            raise ValueError("--rush checks the server's database: give --database-url "
                             "(or DATABASE_URL)")
        check_target(config)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    report = run_sync(config)
    print(report.as_text())
    return 1 if report.errors or report.rush_ok is False else 0


if __name__ == "__main__":
    sys.exit(main())
