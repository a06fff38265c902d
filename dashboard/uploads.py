"""The one upload-and-check step of every import (users on the admin page, KPI values on
/kpis): a file chosen, checked once by the feature's preview, the check remembered for
that file's bytes, and a fresh, empty uploader after a successful import.

Session state under `prefix`: `<prefix>_file_<round>` (the uploader), `<prefix>_preview`
(the file's digest and its check) and `<prefix>_round` (bumped by `start_over`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import streamlit as st

Checked = TypeVar("Checked")


@dataclass(frozen=True)
class Upload(Generic[Checked]):
    raw: bytes
    name: str
    checked: Checked


def checked_upload(label: str, types: Sequence[str], prefix: str,
                   check: Callable[[bytes, str], Checked]) -> Upload[Checked] | None:
    """The uploader and, once a file is chosen, `check(raw, file name)`: run once per
    file, not on every rerun (the result is kept under the file's SHA-256)."""
    round_ = st.session_state.get(f"{prefix}_round", 0)
    upload = st.file_uploader(label, type=list(types), key=f"{prefix}_file_{round_}")
    if upload is None:
        return None
    raw = upload.getvalue()
    digest = hashlib.sha256(raw).hexdigest()
    kept = st.session_state.get(f"{prefix}_preview")
    if kept is None or kept[0] != digest:
        kept = (digest, check(raw, upload.name))
        st.session_state[f"{prefix}_preview"] = kept
    return Upload(raw, upload.name, kept[1])


def start_over(prefix: str) -> None:
    """After an import: forget the checked file and offer an empty uploader."""
    st.session_state.pop(f"{prefix}_preview", None)
    st.session_state[f"{prefix}_round"] = st.session_state.get(f"{prefix}_round", 0) + 1
