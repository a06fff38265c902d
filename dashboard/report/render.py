"""Charts as PNG images on the server, offline: Plotly's static export (kaleido >= 1)
drives the system Chromium (PEYVAND_CHROMIUM, default /usr/bin/chromium) through
choreographer. Nothing is fetched: plotly.js comes from the plotly package, MathJax
(loaded from a CDN by default) is switched off, and the Vazirmatn font in
dashboard/static/fonts is handed to Chromium through a fontconfig file, so Persian
labels are drawn in the app's font.

One Chromium per process, started on first use (a start takes seconds) and stopped at
exit; kaleido queues concurrent renders on it.
"""

from __future__ import annotations

import atexit
import os
import tempfile
import threading
from pathlib import Path

import plotly.graph_objects as go

from data_access import config

FONTS = Path(__file__).resolve().parent.parent / "static" / "fonts"
WIDTH, HEIGHT, SCALE = 900, 420, 2
_lock = threading.Lock()
_started = False


class RenderError(RuntimeError):
    """Charts cannot be drawn here (no Chromium, or it failed)."""


def _fontconfig_file() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="peyvand-fonts-"))
    system = os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf"
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f'  <include ignore_missing="yes">{system}</include>\n  <dir>{FONTS}</dir>\n'
        f'  <cachedir>{folder / "cache"}</cachedir>\n</fontconfig>\n', encoding="utf-8")
    return conf


def _start() -> None:
    global _started
    with _lock:
        if _started:
            return
        import kaleido
        from kaleido import PageGenerator

        browser = config.chromium_path()
        if not Path(browser).is_file():
            raise RenderError(f"no Chromium at {browser} (set PEYVAND_CHROMIUM)")
        # choreographer reads BROWSER_PATH; Chromium inherits the environment.
        os.environ["BROWSER_PATH"] = browser
        os.environ["FONTCONFIG_FILE"] = str(_fontconfig_file())
        try:
            kaleido.start_sync_server(page_generator=PageGenerator(mathjax=False), n=1,
                                      timeout=120, silence_warnings=True)
        except Exception as error:  # noqa: BLE001 - reported as "cannot render here"
            raise RenderError(f"Chromium did not start: {error}") from error
        atexit.register(kaleido.stop_sync_server, silence_warnings=True)
        _started = True


def warm_up() -> None:
    """Start Chromium in the background (the report page calls this when it is shown,
    so the start overlaps with choosing a month); errors surface at the first render."""
    if _started:
        return

    def start() -> None:
        try:
            _start()
        except RenderError:
            pass  # reported when a report is asked for

    threading.Thread(target=start, name="report-chromium", daemon=True).start()


def render_png(fig: go.Figure, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """The figure as a PNG (twice the size, for print)."""
    _start()
    import kaleido

    try:
        return kaleido.calc_fig_sync(fig, opts={"format": "png", "width": width,
                                                "height": height, "scale": SCALE})
    except Exception as error:  # noqa: BLE001 - one failed chart fails the report clearly
        raise RenderError(f"chart export failed: {error}") from error
