"""What a page owes every reader, checked in the browser: axe-core's accessibility
rules (vendored in tests/e2e/vendor, MPL-2.0, so the check needs no network) and,
in Persian, no Latin letters or digits in the visible text outside an allow-list."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"

# Rules left out, each for a reason we cannot fix from the app:
IGNORED_RULES = {
    # Streamlit's page has no <main>/landmarks of its own making and puts toasts,
    # the header and the sidebar outside them; these are "moderate" best practices.
    "region": "Streamlit's own layout puts its header, toasts and sidebar outside landmarks",
}
# Parts of the page axe should not judge, each Streamlit's own and out of our reach:
EXCLUDED = [
    # Glide Data Grid draws cells on a canvas; its hidden accessible table is internal.
    '[data-testid="stDataFrameResizable"] .gdg-s1dgczr6',
]
SERIOUS = {"serious", "critical"}

RUN_AXE = """async ([exclude, disabled]) => {
  const rules = Object.fromEntries(disabled.map((id) => [id, {enabled: false}]));
  const result = await axe.run({include: [document], exclude: exclude.map((s) => [s])},
                               {rules, resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " :: "
                                     + (n.failureSummary || "").slice(0, 160)),
  }));
}"""


def axe_violations(page, minimum: set[str] = SERIOUS) -> list[dict]:
    """axe-core's violations on the page as it is now, of the given impacts."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(RUN_AXE, [EXCLUDED, sorted(IGNORED_RULES)])
    return [v for v in found if v["impact"] in minimum]


# Latin letters and Western digits in what a Persian reader sees. Allowed: the brand
# and product and file-format names below (the composer's upload help names WebP, DOCX and
# XLSX), "English" (the language switch names the other language
# in its own script), e-mail addresses, URLs, file names and usernames (Latin by design).
ALLOWED_WORDS = ["English", "Peyvand", "Vazirmatn", "Streamlit", "CSV", "Excel", "PDF", "eNPS",
                 "NPS", "KPI", "PNG", "JPG", "JPEG", "WEBP", "WebP", "DOCX", "XLSX", "SQLite",
                 "PostgreSQL"]

VISIBLE_LATIN = r"""([allowed, usernames, within]) => {
  const main = document.querySelector(within) || document.body;
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const found = [];
  const strip = (text) => {
    let out = text.replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, " ")
      .replace(/https?:\/\/\S+/g, " ").replace(/\b[\w-]+\.(csv|xlsx|png|jpe?g|webp|pdf)\b/gi, " ");
    for (const word of [...allowed, ...usernames]) {
      out = out.split(word).join(" ");
    }
    return out;
  };
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || !node.textContent.trim()) continue;
    if (el.closest("script, style, noscript, .js-plotly-plot svg defs, [aria-hidden='true']"))
      continue;
    const style = getComputedStyle(el);
    if (style.fontFamily.includes("Material")) continue;  // an icon's ligature name
    if (parseFloat(style.fontSize) === 0) continue;  // replaced by a ::after (theme.py)
    if (el.closest("svg")) continue;  // an icon's <title>: not drawn (see the report)
    if (style.visibility !== "visible" || style.display === "none") continue;
    const box = el.getBoundingClientRect();
    if (box.width < 1 || box.height < 1) continue;
    const rest = strip(node.textContent);
    if (/[A-Za-z0-9]/.test(rest)) found.push(node.textContent.trim().slice(0, 60));
  }
  // What boxes show: a number typed or offered in Western digits, an English placeholder.
  const boxes = 'input:is([type=text], [type=number], [type=search], :not([type])), textarea';
  main.querySelectorAll(boxes).forEach((box) => {
    const shown = box.getBoundingClientRect();
    if (shown.width < 1 || shown.height < 1) return;
    if (/[0-9]/.test(box.value)) found.push(`value: ${box.value.slice(0, 40)}`);
    if (/[A-Za-z0-9]/.test(strip(box.placeholder || "")))
      found.push(`placeholder: ${box.placeholder.slice(0, 40)}`);
  });
  return [...new Set(found)].slice(0, 10);
}"""


def latin_text(page, usernames: list[str] = (),
               within: str = '[data-testid="stAppViewContainer"]') -> list[str]:
    """Visible text (in `within`) on a Persian page that still holds Latin letters or
    digits; what boxes show counts, a radio button's hidden value does not."""
    return page.evaluate(VISIBLE_LATIN, [ALLOWED_WORDS, list(usernames), within])
