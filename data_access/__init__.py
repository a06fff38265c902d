"""Peyvand's data layer: engine and sessions, typed models, migrations and one
module per domain holding its queries and the rules that guard them.

Nothing below this package imports Streamlit.
"""
