"""What images a piece of Markdown would draw, by a CommonMark parser (Streamlit's
renderer follows CommonMark): shared by the unit and the page tests of finding 11."""

from __future__ import annotations

from markdown_it import MarkdownIt

PARSER = MarkdownIt("commonmark").enable("table").enable("strikethrough")
OWN_PREFIXES = ("app/static/", "/app/static/")


def image_sources(markdown: str) -> list[str]:
    found: list[str] = []

    def walk(tokens) -> None:
        for token in tokens:
            if token.type == "image":
                found.append(token.attrGet("src"))
            walk(token.children or [])

    walk(PARSER.parse(markdown))
    return found


def outside_images(markdown: str) -> list[str]:
    """Sources of the images that would be fetched from anywhere but the app itself."""
    return [src for src in image_sources(markdown) if not src.startswith(OWN_PREFIXES)]


def rendered_markdown(at) -> list[str]:
    """Every string an AppTest run hands the browser to render as Markdown: text
    elements, headings, alerts, and the labels and options of widgets."""
    shown: list[str] = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning",
                 "error", "success"):
        shown += [element.value for element in at.get(kind)]
    for kind in ("metric", "radio", "text_area", "text_input", "selectbox", "button",
                 "checkbox", "toggle", "expander", "tab"):
        shown += [element.proto.label for element in at.get(kind)
                  if hasattr(element.proto, "label")]
    for radio in at.get("radio"):
        shown += list(radio.proto.options)
    return shown
