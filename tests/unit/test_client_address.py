"""The client address the sign-in throttle counts by: what Streamlit's server reports."""

from types import SimpleNamespace

import pytest

from dashboard import auth


@pytest.mark.parametrize(("reported", "expected"), [
    ("203.0.113.5", "203.0.113.5"), ("2001:db8::1", "2001:db8::1"), (None, ""),
])
def test_client_address_is_the_reported_ip(monkeypatch, reported, expected):
    monkeypatch.setattr(auth.st, "context", SimpleNamespace(ip_address=reported))
    assert auth.client_address() == expected


def test_client_address_without_a_session_is_one_shared_client(monkeypatch):
    class NoSession:
        @property
        def ip_address(self):
            raise RuntimeError("no script run context")

    monkeypatch.setattr(auth.st, "context", NoSession())
    assert auth.client_address() == ""
