"""The built-in question bank: complete, bilingual and correctly spelled."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from dashboard.i18n import LOCALES, catalog
from data_access.surveys.bank import BANK, DRIVERS, ENPS_DRIVER, BankItem

# The labels are UI text: they live in the locale files, keyed by code.
DRIVER_LABELS = {lang: {key.rsplit(".", 1)[1]: text for key, text in catalog(lang).items()
                        if key.startswith("surveys.driver.") and key != "surveys.driver.custom"}
                 for lang in LOCALES}
LIKERT_LABELS = {lang: {int(key.rsplit(".", 1)[1]): text for key, text in catalog(lang).items()
                        if key.startswith("surveys.likert.")} for lang in LOCALES}
ENPS_ANCHORS = {lang: {int(key.rsplit(".", 1)[1]): text for key, text in catalog(lang).items()
                       if key.startswith("surveys.enps_anchor.")} for lang in LOCALES}

ZWNJ = "\u200c"
ARABIC_FORMS = {"\u064a": "ي Arabic yeh", "\u0643": "ك Arabic kaf", "\u0649": "ى alef maksura"}
PERSIAN_LETTER = re.compile("[\u0600-\u06ff]")


def persian_texts() -> list[str]:
    return ([item.text_fa for item in BANK] + list(DRIVER_LABELS["fa"].values())
            + list(LIKERT_LABELS["fa"].values()) + list(ENPS_ANCHORS["fa"].values()))


def test_drivers_are_those_surveys_md_names() -> None:
    assert DRIVERS == ("belonging", "satisfaction", "recognition", "manager_support",
                       "workload_wellbeing", "growth")


@pytest.mark.parametrize("driver", DRIVERS)
def test_each_driver_has_enough_likert_items(driver: str) -> None:
    items = [item for item in BANK if item.driver == driver]
    assert len(items) >= 5
    assert all(item.kind == "likert5" for item in items)


def test_exactly_one_enps_item() -> None:
    enps = [item for item in BANK if item.kind == "enps"]
    assert len(enps) == 1
    assert enps[0].driver == ENPS_DRIVER
    assert "recommend" in enps[0].text_en and "municipality" in enps[0].text_en


def test_every_item_belongs_to_a_known_driver() -> None:
    assert {item.driver for item in BANK} == {*DRIVERS, ENPS_DRIVER}


def test_codes_are_unique_and_stable_identifiers() -> None:
    codes = Counter(item.code for item in BANK)
    assert [code for code, count in codes.items() if count > 1] == []
    assert all(re.fullmatch(r"[a-z]+_\d{2}", code) for code in codes)


@pytest.mark.parametrize("item", BANK, ids=lambda item: item.code)
def test_item_texts_are_complete_sentences(item: BankItem) -> None:
    assert item.text_fa.strip() == item.text_fa and item.text_en.strip() == item.text_en
    assert item.text_fa and item.text_en
    assert PERSIAN_LETTER.search(item.text_fa)
    assert not PERSIAN_LETTER.search(item.text_en)
    question = item.kind == "enps"
    assert item.text_fa.endswith("؟" if question else ".")
    assert item.text_en.endswith("?" if question else ".")


def test_texts_are_distinct() -> None:
    assert len({item.text_fa for item in BANK}) == len(BANK)
    assert len({item.text_en for item in BANK}) == len(BANK)


@pytest.mark.parametrize("text", persian_texts())
def test_persian_uses_persian_letters_and_spacing(text: str) -> None:
    for letter, name in ARABIC_FORMS.items():
        assert letter not in text, f"{name} in «{text}»"
    assert "  " not in text
    assert not re.search(r"\s[،.؟]", text), "space before punctuation"
    assert not re.search(r",|\?", text), "Latin comma or question mark in Persian"
    # The present-tense prefix is joined with a zero-width non-joiner: «می‌کنم», not «می کنم».
    assert not re.search(r"(?:^|\s)(?:ن?می)\s", text), f"detached «می» in «{text}»"
    # A ZWNJ belongs between two letters, never next to a space or at an end.
    assert not re.search(f"(?:^|\\s){ZWNJ}|{ZWNJ}(?:$|\\s)|{ZWNJ}{ZWNJ}", text)


def test_present_tense_verbs_carry_zwnj() -> None:
    joined = " ".join(persian_texts())
    assert f"می{ZWNJ}کنم" in joined
    assert f"می{ZWNJ}" in joined


def test_labels_are_complete_in_both_languages() -> None:
    assert DRIVER_LABELS.keys() == LIKERT_LABELS.keys() == ENPS_ANCHORS.keys() == {"fa", "en"}
    for language in ("fa", "en"):
        assert DRIVER_LABELS[language].keys() == {*DRIVERS, ENPS_DRIVER}
        assert LIKERT_LABELS[language].keys() == {1, 2, 3, 4, 5}
        assert ENPS_ANCHORS[language].keys() == {0, 10}
        labels = [*DRIVER_LABELS[language].values(), *LIKERT_LABELS[language].values(),
                  *ENPS_ANCHORS[language].values()]
        assert all(label and label.strip() == label for label in labels)
        assert len(set(LIKERT_LABELS[language].values())) == 5


def test_likert_scale_runs_from_strongly_disagree_to_strongly_agree() -> None:
    assert LIKERT_LABELS["fa"][1] == "کاملاً مخالفم"
    assert LIKERT_LABELS["fa"][5] == "کاملاً موافقم"
    assert LIKERT_LABELS["en"][1] == "Strongly disagree"
    assert LIKERT_LABELS["en"][5] == "Strongly agree"


def test_the_whole_audience_is_named_by_the_locale_files_not_data_access() -> None:
    from data_access.surveys import DepartmentRef, whole_audience

    ref = whole_audience()
    assert ref.is_whole_audience and ref.label("fa") == ref.label("en") == ""
    assert not DepartmentRef(3, "ترافیک", "Traffic").is_whole_audience
    assert catalog("fa")["surveys.whole_audience"] == "کل سازمان"
    assert catalog("en")["surveys.whole_audience"] == "Whole organisation"


def test_no_persian_text_is_left_in_the_surveys_package_outside_the_bank() -> None:
    from pathlib import Path

    import data_access.surveys as package

    for path in Path(package.__file__).parent.glob("*.py"):
        if path.name != "bank.py":  # the question bank is content, stored with each wave
            assert not PERSIAN_LETTER.search(path.read_text(encoding="utf-8")), path.name
