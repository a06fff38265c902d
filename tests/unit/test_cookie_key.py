"""The cookie key is never a constant: environment, secrets, or generated once and kept."""

import stat

from dashboard import auth


def test_environment_variable_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("INTRANET_COOKIE_KEY", "from-the-environment-0123456789abcdef")
    monkeypatch.setenv("INTRANET_DATA_DIR", str(tmp_path))
    assert auth.cookie_key() == "from-the-environment-0123456789abcdef"
    assert not (tmp_path / "cookie_key").exists()


def test_generated_once_kept_private_and_reused(monkeypatch, tmp_path):
    monkeypatch.delenv("INTRANET_COOKIE_KEY", raising=False)
    monkeypatch.setenv("INTRANET_DATA_DIR", str(tmp_path))
    first = auth.cookie_key()
    assert len(first) >= 64
    assert auth.cookie_key() == first  # survives a restart
    mode = stat.S_IMODE((tmp_path / "cookie_key").stat().st_mode)
    assert mode == 0o600


def test_two_installations_get_different_keys(monkeypatch, tmp_path):
    monkeypatch.delenv("INTRANET_COOKIE_KEY", raising=False)
    keys = set()
    for name in ("a", "b"):
        monkeypatch.setenv("INTRANET_DATA_DIR", str(tmp_path / name))
        keys.add(auth.cookie_key())
    assert len(keys) == 2
