"""Right-to-left layout and the served Vazirmatn font, applied on every run."""

from __future__ import annotations

import streamlit as st

# Streamlit has no RTL mode: these rules flip the layout for Persian. They
# contain no user text.
_RTL = """
<style>
html, body, .stApp, [data-testid="stSidebar"], [data-testid="stMain"] { direction: rtl; }
.stApp p, .stApp li, .stApp h1, .stApp h2, .stApp h3, .stApp h4, .stApp label,
.stApp [data-testid="stMarkdownContainer"], .stApp [data-testid="stCaptionContainer"],
.stApp [data-testid="stMetric"], .stApp [data-testid="stAlert"] { text-align: right; }
.stApp input, .stApp textarea { direction: rtl; text-align: right; }
.stApp [data-testid="stSidebarNav"] a { flex-direction: row; }
[data-testid="stTabs"] [role="tablist"] { direction: rtl; }
[data-testid="stDataFrame"], [data-testid="stTable"] { direction: rtl; }
.js-plotly-plot, .js-plotly-plot * { direction: ltr; }
</style>
"""
_LTR = """
<style>
html, body, .stApp { direction: ltr; }
</style>
"""


def apply(locale: str) -> None:
    st.html(_RTL if locale == "fa" else _LTR)
