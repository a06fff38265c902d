"""Survey keys: validated at start-up, one per wave, wrapped by the master key if set."""

from __future__ import annotations

import stat

import pytest

from dashboard.__main__ import main
from data_access.surveys import sealing


@pytest.fixture
def key_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(sealing.KEY_DIR_ENV, str(tmp_path / "keys"))
    monkeypatch.delenv(sealing.MASTER_ENV, raising=False)
    return tmp_path / "keys"


@pytest.mark.parametrize("secret", ["g" * 64, "z" * 32, "0123456789abcdef" * 4,
                                    "کلید سری بسیار بلند برای آزمایش که سی و دو حرف دارد"])
def test_any_long_enough_key_works(key_dir, monkeypatch, secret):
    """A 64-character non-hex key used to crash every submission (bytes.fromhex)."""
    monkeypatch.setenv(sealing.MASTER_ENV, secret)
    sealing.check_configuration()
    key_id = sealing.new_key_id()
    sealing.create_wave_key(key_id)
    sealed = sealing.seal(3, key_id, 64, {"d": 1, "a": [], "c": []})
    assert sealing.unseal(3, key_id, sealed) == {"d": 1, "a": [], "c": []}


@pytest.mark.parametrize("secret", ["short", "x" * 31])
def test_a_short_key_is_refused_at_start_up_with_a_clear_message(key_dir, monkeypatch, capsys,
                                                                  secret):
    monkeypatch.setenv(sealing.MASTER_ENV, secret)
    with pytest.raises(sealing.KeyConfigurationError, match="at least 32 characters"):
        sealing.check_configuration()
    assert main(["survey-clock"]) == 2
    assert "INTRANET_SURVEY_KEY must be at least 32 characters" in capsys.readouterr().err


def test_an_unwritable_key_directory_is_refused(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv(sealing.KEY_DIR_ENV, str(blocker / "keys"))
    with pytest.raises(sealing.KeyConfigurationError, match="INTRANET_KEY_DIR"):
        sealing.check_configuration()


def test_wave_keys_are_private_and_wrapped_under_the_master_key(key_dir, monkeypatch):
    monkeypatch.setenv(sealing.MASTER_ENV, "m" * 40)
    key_id = sealing.new_key_id()
    sealing.create_wave_key(key_id)
    path = key_dir / f"wave-{key_id}.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes()[:2] == b"W1"  # not the key itself
    sealed = sealing.seal(9, key_id, 32, {"d": 2, "a": [], "c": []})
    monkeypatch.setenv(sealing.MASTER_ENV, "n" * 40)  # another master key opens nothing
    with pytest.raises(sealing.WaveKeyMissing):
        sealing.unseal(9, key_id, sealed)
    monkeypatch.delenv(sealing.MASTER_ENV)
    with pytest.raises(sealing.WaveKeyMissing):
        sealing.unseal(9, key_id, sealed)


def test_a_missing_wave_key_says_what_to_share(key_dir):
    with pytest.raises(sealing.WaveKeyMissing, match="INTRANET_KEY_DIR"):
        sealing.seal(1, sealing.new_key_id(), 32, {"d": 1, "a": [], "c": []})


def test_key_ids_cannot_name_other_files(key_dir):
    for bad in ("../../etc/passwd", "x" * 32, "A" * 32, ""):
        with pytest.raises(ValueError):
            sealing.create_wave_key(bad)


def test_the_fingerprint_never_shows_the_key(monkeypatch):
    monkeypatch.setenv(sealing.MASTER_ENV, "0123456789abcdef" * 4)
    assert "0123456789abcdef" not in sealing.fingerprint()
    assert len(sealing.fingerprint()) == 16
    monkeypatch.delenv(sealing.MASTER_ENV)
    assert sealing.fingerprint() == "none"
