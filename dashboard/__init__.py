"""Peyvand's web layer: the Streamlit entrypoint, shared UI parts and the CLI."""
