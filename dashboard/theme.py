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
[data-testid="InputInstructions"] [data-peyvand-text] { font-size: 0; }
[data-testid="InputInstructions"] [data-peyvand-text]::before { font-size: 0.75rem; }
[data-testid="InputInstructions"] [data-peyvand-text]::after {
  content: attr(data-peyvand-text); font-size: 0.75rem;
}
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
# Streamlit's hint under a text
# box ("Press Ctrl+Enter to apply", "502/20000") is English: the document script puts
# the Persian words and digits in its place.
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
# its own limits in its help text. Once a file is chosen, the "+" button beside its chip
# (named by its aria-label, which the document script translates) carries Streamlit's
# hidden English text "add icon": hidden for good, and it takes no "Choose file" label.
_UPLOADER = """
[data-testid="stFileUploaderDropzoneInstructions"],
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] {{
  display: none;
}}
[data-testid="stFileUploaderDropzone"] button [data-has-shortcut]::after {{ content: {label}; }}
[data-testid="stFileUploader"] button[aria-label] [data-has-shortcut]::after {{ content: none; }}
[data-testid="stFileUploader"] button[aria-label]
  [data-has-shortcut] > span:not([data-testid]):not([style]) {{ display: none; }}
[data-testid="stFileUploader"] [data-peyvand-size] {{ font-size: 0; }}
[data-testid="stFileUploader"] [data-peyvand-size]::after {{
  content: attr(data-peyvand-size); font-size: 0.75rem;
}}
"""
_LTR = """
html, body, .stApp { direction: ltr; }
.stApp :is(h1, h2, h3, h4, p) { unicode-bidi: plaintext; text-align: left; }
"""
# In English a heading or a paragraph may be someone's Persian text (a title, a news
# excerpt): each takes its own direction from its first letter, so its words, digits
# and closing punctuation keep their order, and stays on the left with the page.
# Markdown someone wrote (a news body, its preview) reads in its own direction, whatever
# the interface's: a Persian body right to left in English too (ui.user_markdown picks the
# direction from the text). Its bullets and numbers sit inside the card on the reading
# side, a quotation's bar on that side, code stays left to right (isolated inside a line),
# a long link breaks instead of widening a phone's page, and a "# heading" in a body is
# a heading of that body, not a page title.
_BODY_PREFIX = "user_markdown_"
_BODY = ('.stApp [class*="st-key-' + _BODY_PREFIX + '{direction}"]'
         ' [data-testid="stMarkdownContainer"]')
_USER_MARKDOWN = """
{rtl} {{ direction: rtl; text-align: right; overflow-wrap: anywhere; }}
{ltr} {{ direction: ltr; text-align: left; overflow-wrap: anywhere; }}
{rtl} :is(p, li, h1, h2, h3, h4, h5, h6, th, td, blockquote) {{ text-align: right; }}
{ltr} :is(p, li, h1, h2, h3, h4, h5, h6, th, td, blockquote) {{ text-align: left; }}
{rtl} :is(ul, ol) {{ padding: 0 1.5em 0 0; margin-left: 0; margin-right: 0; }}
{ltr} :is(ul, ol) {{ padding: 0 0 0 1.5em; margin-left: 0; margin-right: 0; }}
{rtl} li {{ margin-left: 0; margin-right: 0; padding: 0 0.3em 0 0; }}
{ltr} li {{ margin-left: 0; margin-right: 0; padding: 0 0 0 0.3em; }}
{rtl} blockquote {{
  border-left: none; border-right: 0.2em solid {bar}; margin-left: 0; margin-right: 0;
  padding: 0 0.75em 0 0;
}}
{ltr} blockquote {{
  border-right: none; border-left: 0.2em solid {bar}; margin-left: 0; margin-right: 0;
  padding: 0 0 0 0.75em;
}}
{any} :is(pre, pre code, [data-testid="stCode"]) {{
  direction: ltr; text-align: left; unicode-bidi: isolate;
}}
{any} :is(:not(pre) > code, a) {{
  unicode-bidi: plaintext;
}}
{any} :is(h1, h2, h3, h4, h5, h6) {{
  line-height: 1.5; padding: 0.75rem 0 0.375rem 0;
}}
{any} h1 {{ font-size: 1.5rem; }}
{any} h2 {{ font-size: 1.3rem; }}
{any} h3 {{ font-size: 1.15rem; }}
{any} :is(h4, h5, h6) {{
  font-size: 1rem;
}}
""".format(rtl=_BODY.format(direction="rtl_"), ltr=_BODY.format(direction="ltr_"),
           any=_BODY.format(direction=""), bar="#b9b7b3")
# In Persian a numbered list counts in Persian digits, like every other number.
_PERSIAN_LISTS = """
.stApp [data-testid="stMarkdownContainer"] ol { list-style-type: persian; }
"""
_SCRIPT_KEY = "peyvand_document"
_SMALL_SCRIPT_PREFIX = "peyvand_script_"

# The focus ring (the theme's primary colour) and quiet text (captions) dark enough
# for WCAG AA on white and on the sidebar's grey: 4.5:1 and more.
_FOCUS = "#0f6e6e"
_QUIET = "#5c5b59"
_SCALE_PREFIX = "peyvand_scale_"
# Both languages: each line of a text area takes its own direction while it is written
# (a Persian line of a news body right to left in English too, a line of code left to
# right in Persian); the script's container takes no room; on a phone the page starts
# just below the header, headings are a phone's size (a news card's title took three
# lines at the desktop's), a table's toolbar (always shown on a touch screen) gets a row
# of its own above the table instead of covering the line above it, and a rating scale
# stays one row (each option's circle above its label) instead of wrapping.
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
.stApp textarea {{ unicode-bidi: plaintext; }}
.stApp [data-testid="stCaptionContainer"], .stApp [data-testid="stWidgetLabel"] small,
.stApp [data-testid="stMarkdownContainer"] small {{ color: {_QUIET}; opacity: 1; }}
.stElementContainer:has([data-testid="stImageContainer"])
  [data-testid="stElementToolbar"] {{ top: 0.25rem; }}
@media (max-width: 640px) {{
  [data-testid="stMainBlockContainer"] {{ padding-top: 4.5rem; }}
  [class*="st-key-urgent_banner_"] {{ flex-wrap: wrap; }}
  [class*="st-key-urgent_banner_"] > div:has([data-testid="stPageLink"]) {{ flex: 1 1 100%; }}
  [class*="st-key-urgent_banner_"] [data-testid="stPageLink-NavLink"],
  [class*="st-key-urgent_banner_"] [data-testid="stPageLink-NavLink"] span,
  [class*="st-key-urgent_banner_"] [data-testid="stPageLink-NavLink"] p {{
    white-space: normal; text-overflow: clip;
  }}
  [class*="st-key-urgent_banner_"] [data-testid="stPageLink-NavLink"] p {{
    overflow: hidden; display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical;
    line-height: 1.5;
  }}
  [data-testid="stDataFrame"] {{ margin-top: 2.75rem; }}
  .stApp [data-testid="stHeading"] h1 {{ font-size: 2rem; }}
  .stApp [data-testid="stHeading"] h2 {{ font-size: 1.5rem; }}
  .stApp [data-testid="stHeading"] h3 {{ font-size: 1.25rem; }}
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
  const digits = (text) => text.replace(/[0-9]/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[d]);
  const instruction = (text) => {
    const words = window.peyvandDocument.input;
    const count = /^([0-9]+)\\/([0-9]+)$/.exec(text);
    if (count) {
      return words.counter.replace("{count}", digits(count[1])).replace("{max}", digits(count[2]));
    }
    const press = /^Press (?:(Ctrl|⌘)\\+)?Enter to (apply|submit form)$/.exec(text);
    if (!press) return null;
    const modifier = press[1] ? `${press[1] === "Ctrl" ? words.ctrl : press[1]} + ` : "";
    const template = press[2] === "apply" ? words.apply : words.submit;
    return template.replace("{keys}", modifier + words.enter);
  };
  const instructions = (box) => {
    if (window.peyvandDocument.dir !== "rtl") return;
    box.querySelectorAll(":scope > span").forEach((span) => {
      const shown = instruction(span.textContent.trim());
      if (shown && span.dataset.peyvandText !== shown) span.dataset.peyvandText = shown;
      if (!shown && span.dataset.peyvandText) delete span.dataset.peyvandText;
    });
  };
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
    const relabel = (button, label) => {
      if (button.getAttribute("aria-label") !== label) button.setAttribute("aria-label", label);
    };
    document.querySelectorAll('[data-testid="stFileUploader"] button[aria-label="Add files"]')
      .forEach((button) => relabel(button, doc.add_files));
    document.querySelectorAll('[data-testid="stFileChipDeleteBtn"] button[aria-label^="Remove "]')
      .forEach((button) => relabel(button, doc.remove_file.replace(
        "{name}", button.getAttribute("aria-label").slice("Remove ".length))));
    if (doc.dir !== "rtl") return;
    document.querySelectorAll('[data-testid="InputInstructions"]').forEach((box) => {
      instructions(box);
      if (box.dataset.peyvandWatched) return;
      box.dataset.peyvandWatched = "1";  // its text changes with every key: watched itself
      new MutationObserver(() => instructions(box))
        .observe(box, {childList: true, subtree: true, characterData: true});
    });
    const sizes = '[data-testid="stFileUploader"] :is(small, span, div)';
    document.querySelectorAll(sizes).forEach((size) => {
      if (size.children.length) return;
      const match = /^([0-9.]+)\\s*(B|KB|MB|GB)$/.exec(size.textContent.trim());
      if (!match) return;
      const amount = digits(String(Math.round(Number(match[1]) * 10) / 10).replace(".", "٫"));
      const shown = `${amount} ${doc.units[match[2]]}`;
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


def user_markdown_key(name: str, direction: str) -> str:
    """The key of the container that lays out someone's Markdown (`name` unique on the
    page) in `direction` ("rtl" or "ltr")."""
    return f"{_BODY_PREFIX}{direction}_{name}"


def document_settings(locale: str) -> dict[str, Any]:
    """What the document script applies: the page's language, direction and labels."""
    locale = locale if locale in LOCALES else "fa"  # only ever one of ours in the script
    return {"lang": locale, "dir": "rtl" if is_rtl(locale) else "ltr",
            "skip": translate("a11y.skip_to_content", locale),
            "anchor": translate("a11y.link_to_heading", locale),
            "choose": translate("a11y.choose_option", locale),
            "choose_many": translate("a11y.choose_options", locale),
            "input": {name: translate(f"input.{key}", locale) for name, key in (
                ("counter", "counter"), ("ctrl", "key_ctrl"), ("enter", "key_enter"),
                ("apply", "press_to_apply"), ("submit", "press_to_submit"))},
            "add_files": translate("upload.add_files", locale),
            "remove_file": translate("upload.remove_file", locale),
            "units": {unit: translate(f"upload.unit.{unit.lower()}", locale)
                      for unit in ("B", "KB", "MB", "GB")},
            "toolbar": {english: translate(key, locale)
                        for english, key in FULLSCREEN_TEXTS.items()}}


def apply(locale: str) -> None:
    label = json.dumps(translate("upload.choose_file", locale), ensure_ascii=False)
    # One <style> element: st.html injects a style-only snippet without taking space.
    language = _RTL + _PERSIAN_LISTS if is_rtl(locale) else _LTR
    st.html(f"<style>{language}{_UPLOADER.format(label=label)}{_SHARED}{_USER_MARKDOWN}</style>")
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
