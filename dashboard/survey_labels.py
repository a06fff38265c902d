"""Survey labels from the locale files (`surveys.driver.<code>`, `surveys.likert.<n>`,
`surveys.enps_anchor.<n>`), in the shape today's survey pages read them
(`DRIVER_LABELS[lang][code]`). Transitional: the survey UI rewrite reads the
locale keys through `t()` directly, and then this module goes."""

from __future__ import annotations

from dashboard.i18n import LOCALES, catalog
from data_access.surveys import DRIVERS, ENPS_DRIVER

DRIVER_LABELS = {lang: {code: catalog(lang)[f"surveys.driver.{code}"]
                        for code in (*DRIVERS, ENPS_DRIVER)} for lang in LOCALES}
LIKERT_LABELS = {lang: {value: catalog(lang)[f"surveys.likert.{value}"] for value in range(1, 6)}
                 for lang in LOCALES}
ENPS_ANCHORS = {lang: {value: catalog(lang)[f"surveys.enps_anchor.{value}"] for value in (0, 10)}
                for lang in LOCALES}
