"""Right-to-left layout and the served Vazirmatn font, applied on every run."""

from __future__ import annotations

import json

import streamlit as st

from dashboard.i18n import is_rtl, translate

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
.js-plotly-plot, .js-plotly-plot * { direction: ltr; }
#js-plotly-tester, #js-plotly-tester * { direction: ltr !important; }
"""
# Streamlit's upload button and size hint are English only; each form states
# its own limits in its help text.
_UPLOADER = """
[data-testid="stFileUploaderDropzoneInstructions"],
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] {{
  display: none;
}}
[data-testid="stFileUploaderDropzone"] button [data-has-shortcut]::after {{ content: {label}; }}
"""
_LTR = """
html, body, .stApp { direction: ltr; }
"""


def apply(locale: str) -> None:
    label = json.dumps(translate("upload.choose_file", locale), ensure_ascii=False)
    # One <style> element: st.html injects a style-only snippet without taking space.
    st.html(f"<style>{_RTL if is_rtl(locale) else _LTR}{_UPLOADER.format(label=label)}</style>")
