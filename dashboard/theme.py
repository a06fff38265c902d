"""Right-to-left layout and the served Vazirmatn font, applied on every run."""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from dashboard.i18n import LOCALES, is_rtl, translate

# Streamlit has no RTL mode: these rules flip the layout for Persian. They
# contain no user text. #js-plotly-tester is where Plotly measures tick labels;
# measured right-to-left, right-hand axes get no room for their labels.
# No CSS comments in these strings: st.html then drops the whole snippet.
_RTL = """
html, body, .stApp, [data-testid="stSidebar"], [data-testid="stMain"] { direction: rtl; }
.stApp p, .stApp li, .stApp h1, .stApp h2, .stApp h3, .stApp h4, .stApp label,
.stApp [data-testid="stMarkdownContainer"], .stApp [data-testid="stCaptionContainer"],
.stApp [data-testid="stMetric"], .stApp [data-testid="stAlert"] { text-align: right; }
.stApp input, .stApp textarea { direction: rtl; text-align: right; }
.stApp [data-testid="stSidebarNav"] a { flex-direction: row; }
[data-testid="stTabs"] [role="tablist"] { direction: rtl; }
[data-testid="stDataFrame"], [data-testid="stTable"] { direction: rtl; }
.stApp [data-testid="stMarkdownContainer"] :is(ul, ol) {
  padding-left: 0; padding-right: 1.5em; margin-left: 0; margin-right: 0;
}
.stApp [data-testid="stMarkdownContainer"] li { margin-left: 0; margin-right: 0; }
.js-plotly-plot, .js-plotly-plot * { direction: ltr; }
#js-plotly-tester, #js-plotly-tester * { direction: ltr !important; }
[data-testid="stSidebar"][data-collapsed="true"] {
  transform: translateX(100vw); visibility: hidden;
}
[data-testid="stSidebarCollapseButton"] [data-testid="stIconMaterial"],
[data-testid="stExpandSidebarButton"] [data-testid="stIconMaterial"] { transform: scaleX(-1); }
[data-testid="stButtonGroup"] > div { direction: ltr; transform: scaleX(-1); }
[data-testid="stButtonGroup"] > div > button > * { direction: rtl; transform: scaleX(-1); }
@media (max-width: 640px) {
  [data-testid="stElementToolbar"] { right: auto; left: 0; }
}
"""
# Streamlit collapses its sidebar by sliding it left by its own width, which in a
# right-to-left layout leaves the squeezed sidebar drawn over the page: the RTL
# rules above slide it off to the right instead, hidden, and mirror its arrows. On a
# touch screen a table's toolbar is always shown: on the left it leaves the
# right-aligned heading above the table readable. A segmented control is styled for
# left-to-right only (its buttons share a border through a -1px margin on their right,
# hide the border next to the chosen one, round their outer corners): right-to-left the
# first (rightmost) button ran past the row's edge, which cut it off, and lost its outer
# border. The row is laid out left to right and mirrored whole, its labels mirrored
# back, so every one of those rules is mirrored with it.
# Streamlit's upload button and size hint are English only; each form states
# its own limits in its help text.
_UPLOADER = """
[data-testid="stFileUploaderDropzoneInstructions"],
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] {{
  display: none;
}}
[data-testid="stFileUploaderDropzone"] button [data-has-shortcut]::after {{ content: {label}; }}
[data-testid="stFileUploader"] [data-peyvand-size] {{ font-size: 0; }}
[data-testid="stFileUploader"] [data-peyvand-size]::after {{
  content: attr(data-peyvand-size); font-size: 0.75rem;
}}
"""
_LTR = """
html, body, .stApp { direction: ltr; }
"""
_SCRIPT_KEY = "peyvand_document"
_SMALL_SCRIPT_PREFIX = "peyvand_script_"

# The focus ring (the theme's primary colour) and quiet text (captions) dark enough
# for WCAG AA on white and on the sidebar's grey: 4.5:1 and more.
_FOCUS = "#0f6e6e"
_QUIET = "#5c5b59"
_SCALE_PREFIX = "peyvand_scale_"
# Both languages: the script's container takes no room; on a phone the page starts
# just below the header and a rating scale stays one row (each option's circle above
# its label) instead of wrapping.
_SHARED = f"""
.st-key-{_SCRIPT_KEY}, [data-testid="stLayoutWrapper"]:has(> .st-key-{_SCRIPT_KEY}),
[class*="st-key-{_SMALL_SCRIPT_PREFIX}"],
[data-testid="stLayoutWrapper"]:has(> [class*="st-key-{_SMALL_SCRIPT_PREFIX}"]) {{
  display: none;
}}
.stApp :is(a, button, summary, [role="tab"], [role="button"], [role="checkbox"],
           [role="radio"], [role="switch"]):focus-visible,
.stApp :is([data-testid="stTextInputRootElement"], [data-testid="stTextAreaRootElement"],
          [data-testid="stNumberInputContainer"]):focus-within,
.stApp div:has(> input[role="combobox"]:focus-visible),
.stApp label:has(input:focus-visible) {{
  outline: 2px solid {_FOCUS}; outline-offset: 2px;
}}
.stApp [data-testid="stCaptionContainer"], .stApp [data-testid="stWidgetLabel"] small,
.stApp [data-testid="stMarkdownContainer"] small {{ color: {_QUIET}; opacity: 1; }}
.stElementContainer:has([data-testid="stImageContainer"])
  [data-testid="stElementToolbar"] {{ top: 0.25rem; }}
@media (max-width: 640px) {{
  [data-testid="stMainBlockContainer"] {{ padding-top: 4.5rem; }}
  [class*="st-key-{_SCALE_PREFIX}"] [role="radiogroup"] {{
    flex-wrap: nowrap; gap: 0.125rem; justify-content: space-between; align-items: flex-start;
  }}
  [class*="st-key-{_SCALE_PREFIX}"] [role="radiogroup"] > div {{ flex: 1 1 0; min-width: 0; }}
  [class*="st-key-{_SCALE_PREFIX}"] [data-testid="stRadioOption"] {{
    margin: 0; padding: 0; width: 100%; justify-content: center;
  }}
  [class*="st-key-{_SCALE_PREFIX}"] [data-testid="stRadioOption"] > div {{
    flex-direction: column; align-items: center; gap: 0.25rem; width: 100%;
  }}
  [class*="st-key-{_SCALE_PREFIX}"] [data-testid="stRadioOption"] p {{
    text-align: center; font-size: 0.8rem; line-height: 1.35;
  }}
}}
"""
# Streamlit adds a full-screen button to every chart's toolbar with an English title
# that Plotly's dictionary (dashboard/charts.py) never sees: the script renames it.
FULLSCREEN_TEXTS = {"Fullscreen": "charts.fullscreen",
                    "Close fullscreen": "charts.fullscreen_close"}
# Streamlit's page is <html lang="en"> with English accessibility labels, and on a
# phone its sidebar stays open over the page after a page link is tapped unless the
# browser calls itself a phone. This script, re-run whenever its settings change,
# sets lang and dir, localises those labels (again whenever Streamlit draws a
# heading) and closes the sidebar after navigation on a narrow screen. A table wider
# than the screen opens at its right edge in Persian, where its first column is
# (Streamlit's grid always starts at the left, and pins columns only there).
_DOCUMENT_SCRIPT = """<script>
(() => {
  window.peyvandDocument = %s;
  const localise = () => {
    const doc = window.peyvandDocument;
    const root = document.documentElement;
    if (root.lang !== doc.lang) root.lang = doc.lang;
    if (root.dir !== doc.dir) root.dir = doc.dir;
    const skip = document.querySelector('[data-testid="stSkipToContent"]');
    if (skip && skip.textContent !== doc.skip) skip.textContent = doc.skip;
    const anchors = '[data-testid="stHeaderActionElements"] a[aria-label]';
    document.querySelectorAll(anchors).forEach((a) => {
      if (a.getAttribute("aria-label") !== doc.anchor) a.setAttribute("aria-label", doc.anchor);
    });
    const nav = document.querySelector('[data-testid="stSidebarNavItems"]');
    if (nav && nav.getAttribute("role") !== "none") {
      nav.setAttribute("role", "none");
    }
    if (nav) nav.querySelectorAll(":scope > div:not([role])").forEach((section) => {
      section.setAttribute("role", "list");
      section.querySelectorAll(":scope > header").forEach((h) => h.setAttribute("role", "none"));
    });
    document.querySelectorAll("iframe:not([tabindex='-1'])").forEach((frame) => {
      if (frame.offsetHeight > 1 && !frame.title.includes("CookieManager")) return;
      frame.setAttribute("tabindex", "-1");
      frame.setAttribute("aria-hidden", "true");
    });
    document.querySelectorAll('[data-testid="stImageContainer"] img:not([alt])')
      .forEach((img) => img.setAttribute("alt", ""));
    // A metric's sparkline is decoration: its card says the value and the change in words.
    document.querySelectorAll('[data-testid="stMetric"] svg:not([aria-hidden])')
      .forEach((svg) => svg.setAttribute("aria-hidden", "true"));
    // Streamlit's own full-screen button in a chart's toolbar: an English title that
    // Plotly's dictionary (dashboard/charts.py) never sees.
    document.querySelectorAll(".modebar-btn[data-title]").forEach((button) => {
      const mine = doc.toolbar[button.getAttribute("data-title")];
      if (!mine) return;
      button.setAttribute("data-title", mine);
      button.setAttribute("aria-label", mine);
    });
    document.querySelectorAll('input[role="combobox"][placeholder^="Choose"]').forEach((box) => {
      const mine = box.placeholder === "Choose options" ? doc.choose_many : doc.choose;
      if (box.placeholder !== mine) box.placeholder = mine;
    });
    if (doc.dir !== "rtl") return;
    const sizes = '[data-testid="stFileUploader"] :is(small, span, div)';
    document.querySelectorAll(sizes).forEach((size) => {
      if (size.children.length) return;
      const match = /^([0-9.]+)\\s*(B|KB|MB|GB)$/.exec(size.textContent.trim());
      if (!match) return;
      const digits = String(Math.round(Number(match[1]) * 10) / 10).replace(".", "٫")
        .replace(/[0-9]/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[d]);
      const shown = `${digits} ${doc.units[match[2]]}`;
      if (size.dataset.peyvandSize !== shown) size.dataset.peyvandSize = shown;
    });
    document.querySelectorAll('[data-testid="stDataFrame"] .dvn-scroller').forEach((grid) => {
      if (grid.dataset.peyvandStart || grid.scrollWidth <= grid.clientWidth) return;
      grid.dataset.peyvandStart = "right";
      grid.scrollLeft = grid.scrollWidth;
    });
  };
  localise();
  if (window.peyvandDocumentInstalled) return;
  window.peyvandDocumentInstalled = true;
  new MutationObserver(localise).observe(document.body, {childList: true, subtree: true});
  const closeSidebar = () => {
    const sidebar = document.querySelector('[data-testid="stSidebar"]');
    const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (sidebar && sidebar.dataset.collapsed === "false" && button) button.click();
  };
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element
      && event.target.closest('[data-testid="stSidebarNavLink"]');
    const narrow = window.matchMedia("(max-width: 768px)").matches;
    if (link && narrow) requestAnimationFrame(closeSidebar);
  }, true);
})();
</script>"""


def scale_key(widget_key: str) -> str:
    """The key of the container that lays out a rating scale (`widget_key`'s radio)."""
    return f"{_SCALE_PREFIX}{widget_key}"


def document_settings(locale: str) -> dict[str, Any]:
    """What the document script applies: the page's language, direction and labels."""
    locale = locale if locale in LOCALES else "fa"  # only ever one of ours in the script
    return {"lang": locale, "dir": "rtl" if is_rtl(locale) else "ltr",
            "skip": translate("a11y.skip_to_content", locale),
            "anchor": translate("a11y.link_to_heading", locale),
            "choose": translate("a11y.choose_option", locale),
            "choose_many": translate("a11y.choose_options", locale),
            "units": {unit: translate(f"upload.unit.{unit.lower()}", locale)
                      for unit in ("B", "KB", "MB", "GB")},
            "toolbar": {english: translate(key, locale)
                        for english, key in FULLSCREEN_TEXTS.items()}}


def apply(locale: str) -> None:
    label = json.dumps(translate("upload.choose_file", locale), ensure_ascii=False)
    # One <style> element: st.html injects a style-only snippet without taking space.
    st.html(f"<style>{_RTL if is_rtl(locale) else _LTR}{_UPLOADER.format(label=label)}"
            f"{_SHARED}</style>")
    with st.container(key=_SCRIPT_KEY):
        st.html(_DOCUMENT_SCRIPT % script_data(locale), unsafe_allow_javascript=True)


def document_script(key: str, javascript: str) -> None:
    """Run a short script of our own in the page (never user text), in a container
    that takes no room. Runs when the element first appears."""
    with st.container(key=f"{_SMALL_SCRIPT_PREFIX}{key}"):
        st.html(f"<script>{javascript}</script>", unsafe_allow_javascript=True)


def script_data(locale: str) -> str:
    """The document settings as a JavaScript literal: our own locale strings only, as
    JSON with every "<" escaped, so nothing in them can close the script or open a tag."""
    return json.dumps(document_settings(locale), ensure_ascii=False).replace("<", "\\u003c")
