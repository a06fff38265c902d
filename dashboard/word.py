"""Word documents written right to left in Persian: the one writer the meeting minutes
and the monthly report share (python-docx; no Streamlit here).

In Persian the section, every paragraph and every table are bidi and every run is rtl,
each marker inserted where the schema puts it among its siblings (Word refuses a file
that breaks the order); every run names Vazirmatn, the app's font.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm

from dashboard.i18n import translate

# Named in every run of the Word file; Word falls back to a Persian-capable font where
# it is not installed. Vazirmatn is free (SIL Open Font License).
FONT = "Vazirmatn"


# Where each right-to-left marker goes among its siblings (the schema fixes their order,
# and Word refuses a file that breaks it).
_AFTER_BIDI = ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
               "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
               "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
               "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_AFTER_RTL = ("w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
_AFTER_BIDI_VISUAL = ("w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc",
                      "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout",
                      "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")
_AFTER_SECTION_BIDI = ("w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")


def _marker(parent, tag: str, successors: tuple[str, ...]) -> None:
    element = OxmlElement(tag)
    parent.insert_element_before(element, *successors)


def _rtl_paragraph(paragraph, rtl: bool) -> None:
    """The paragraph's direction, alignment and every run's font and direction."""
    if rtl:
        paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _marker(paragraph._p.get_or_add_pPr(), "w:bidi", _AFTER_BIDI)
    for run in paragraph.runs:
        run.font.name = FONT
        fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attribute), FONT)
        if rtl:
            _marker(run._r.get_or_add_rPr(), "w:rtl", _AFTER_RTL)


class WordWriter:
    def __init__(self, loc: str) -> None:
        self.loc, self.rtl = loc, loc == "fa"
        self.document = Document()
        style = self.document.styles["Normal"]
        style.font.name = FONT
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:cs"), FONT)
        for section in self.document.sections:
            if self.rtl:
                _marker(section._sectPr, "w:bidi", _AFTER_SECTION_BIDI)

    def t(self, key: str, **params: object) -> str:
        return translate(key, self.loc, **params)

    def heading(self, text: str, level: int = 1) -> None:
        _rtl_paragraph(self.document.add_heading(text, level=level), self.rtl)

    def paragraph(self, text: str, bold: bool = False) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.add_run(text).bold = bold
        _rtl_paragraph(paragraph, self.rtl)

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        table = self.document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        if self.rtl:
            _marker(table._tbl.tblPr, "w:bidiVisual", _AFTER_BIDI_VISUAL)
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.paragraphs[0].add_run(text).bold = True
            _rtl_paragraph(cell.paragraphs[0], self.rtl)
        for values in rows:
            for cell, text in zip(table.add_row().cells, values, strict=True):
                cell.paragraphs[0].add_run(text)
                _rtl_paragraph(cell.paragraphs[0], self.rtl)

    def bullet(self, text: str) -> None:
        paragraph = self.document.add_paragraph(style="List Bullet")
        paragraph.add_run(text)
        _rtl_paragraph(paragraph, self.rtl)

    def caption(self, text: str) -> None:
        paragraph = self.document.add_paragraph(style="Caption")
        paragraph.add_run(text)
        _rtl_paragraph(paragraph, self.rtl)

    def picture(self, png: bytes, width_cm: float = 16) -> None:
        self.document.add_picture(io.BytesIO(png), width=Cm(width_cm))
        _rtl_paragraph(self.document.paragraphs[-1], self.rtl)

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


