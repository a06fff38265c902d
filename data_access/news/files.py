"""Upload checks: a cover must decode as an image, an attachment must be the document its
name says. The bytes decide the type; images are re-encoded so nothing hides in them."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from xml.etree import ElementTree

from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader

from data_access.errors import InvalidInput

MB = 1024 * 1024
IMAGE_MAX_BYTES = 5 * MB
ATTACHMENT_MAX_BYTES = 10 * MB
ATTACHMENTS_MAX = 10
# Far beyond any real cover photo; refuses decompression bombs before decoding them.
IMAGE_MAX_PIXELS = 40_000_000
IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
ATTACHMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Upload:
    """A file as the user sent it; its name is a hint, its bytes decide its type."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    mime_type: str
    content: bytes



_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _clean_filename(filename: str, fallback_ext: str) -> str:
    name = PurePosixPath((filename or "").replace("\\", "/")).name
    name = _CONTROL.sub("", unicodedata.normalize("NFC", name)).strip(" .")
    if not name:
        return f"file.{fallback_ext}"
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 190] + dot + ext[:8]) if dot else name[:200]
    return name


def check_image(upload: Upload) -> CheckedFile:
    """A cover must decode as PNG, JPEG or WebP: a renamed file or a broken image is refused."""
    content = upload.content or b""
    if len(content) > IMAGE_MAX_BYTES:
        raise InvalidInput("news.errors.image_too_large", field="cover",
                           max_mb=IMAGE_MAX_BYTES // MB)
    try:
        with Image.open(io.BytesIO(content)) as image:
            image_format = image.format
            width, height = image.size
            if image_format in IMAGE_FORMATS and width * height <= IMAGE_MAX_PIXELS:
                image.verify()  # structure and checksums
        if image_format in IMAGE_FORMATS and width * height <= IMAGE_MAX_PIXELS:
            with Image.open(io.BytesIO(content)) as image:
                image.load()  # full decode: catches truncated pixel data
                content = _reencoded(image, image_format)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
            Image.DecompressionBombError):
        raise InvalidInput("news.errors.image_invalid", field="cover") from None
    if image_format not in IMAGE_FORMATS:
        raise InvalidInput("news.errors.image_invalid", field="cover")
    if width * height > IMAGE_MAX_PIXELS:
        raise InvalidInput("news.errors.image_dimensions", field="cover")
    ext = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}[image_format]
    return CheckedFile(_clean_filename(upload.filename, ext), IMAGE_FORMATS[image_format],
                        content)


def _reencoded(image: Image.Image, image_format: str) -> bytes:
    """The decoded pixels written again: whatever was appended to the file (HTML, a
    script, a second file) or hidden in its metadata (EXIF with GPS) is not kept.
    Orientation is applied and the colour profile kept, so it looks the same."""
    icc_profile = image.info.get("icc_profile")
    image = ImageOps.exif_transpose(image)
    options: dict[str, object] = {"icc_profile": icc_profile} if icc_profile else {}
    if image_format in ("JPEG", "WEBP"):
        options["quality"] = 90
    out = io.BytesIO()
    image.save(out, format=image_format, **options)
    return out.getvalue()


# The main part each Office type must declare; a macro-enabled workbook declares another.
_MAIN_PARTS = {
    "docx": ("/word/document.xml",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("/xl/workbook.xml",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
}
_CONTENT_TYPES_MAX = 256 * 1024
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def _pdf_parses(content: bytes) -> bool:
    """A real PDF: its cross-reference table, catalogue and page tree read, with at least one
    page. A header followed by anything else (HTML, a script) is refused."""
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        return len(reader.pages) > 0
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on a broken file; all mean "no"
        return False


def _office_kind(archive: zipfile.ZipFile) -> str | None:
    """DOCX or XLSX by the package's declared content types, not by file names alone."""
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return None
    if info.file_size > _CONTENT_TYPES_MAX:
        return None
    try:
        root = ElementTree.fromstring(archive.read(info))
    except (ElementTree.ParseError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    declared = {(node.get("PartName") or "").lower(): node.get("ContentType")
                for node in root.iter(_CONTENT_TYPES_NS + "Override")}
    names = set(archive.namelist())
    for kind, (part, content_type) in _MAIN_PARTS.items():
        if declared.get(part) == content_type and part[1:] in names:
            return kind
    return None


def _sniff_attachment(content: bytes) -> str | None:
    """The document type from the bytes: a PDF must parse; DOCX/XLSX must be zip packages
    that declare their main part with the right content type."""
    if content.startswith(b"%PDF-"):
        return "pdf" if _pdf_parses(content) else None
    if not content.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return _office_kind(archive)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def check_attachment(upload: Upload) -> CheckedFile:
    """PDF, DOCX or XLSX up to 10 MB; the extension must agree with the content."""
    content = upload.content or b""
    shown_name = _clean_filename(upload.filename, "bin")
    if len(content) > ATTACHMENT_MAX_BYTES:
        raise InvalidInput("news.errors.attachment_too_large", field="attachments",
                           name=shown_name, max_mb=ATTACHMENT_MAX_BYTES // MB)
    kind = _sniff_attachment(content)
    ext = shown_name.rpartition(".")[2].lower() if "." in shown_name else ""
    if kind is None or ext != kind:
        raise InvalidInput("news.errors.attachment_type", field="attachments", name=shown_name)
    return CheckedFile(shown_name, ATTACHMENT_TYPES[kind], content)
