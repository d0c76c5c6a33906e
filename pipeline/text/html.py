"""Article text from a saved web page.

Boilerplate removal is a solved, fiddly problem, so it is delegated to
trafilatura (Barbaresi, ACL 2021 demo), which drops navigation, scripts,
comment sections and footers. What stays here is the glue: keep the
headline, and put a blank line between paragraphs as the readers expect.
"""

from __future__ import annotations

import re
from types import ModuleType

_DOCUMENT = re.compile(r"<\s*(?:html|body)\b", re.IGNORECASE)


def _trafilatura() -> ModuleType:
    try:
        import trafilatura
    except ImportError as e:
        raise ImportError(
            "HTML input needs trafilatura; install it with: pip install trafilatura==2.3.1"
        ) from e
    return trafilatura


def extract_article(html: str) -> str:
    """Return the article text of ``html``, paragraphs separated by blank lines.

    Args:
        html: a whole page or a fragment of one.

    Returns:
        The headline (when the page marks it with ``<h1>``) and the article
        paragraphs; "" when the page holds no article text.

    Raises:
        ImportError: trafilatura is not installed.
    """
    trafilatura = _trafilatura()
    if not html.strip():
        return ""
    fragment = not _DOCUMENT.search(html)
    if fragment:
        html = f"<html><body>{html}</body></html>"
    document = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=True, with_metadata=True
    )
    text = document.text if document is not None and document.text else ""
    if not text and fragment:
        # Too short for trafilatura's content heuristics: take the fragment's text.
        text = trafilatura.baseline(html)[1]
    paragraphs = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    title = _headline(html, document.title if document is not None else None)
    if title and (not paragraphs or paragraphs[0] != title):
        paragraphs.insert(0, title)
    return "\n\n".join(paragraphs)


def _headline(html: str, title: str | None) -> str | None:
    """Keep the extracted title only when the page shows it as an ``<h1>``.

    The ``<title>`` element usually carries the site name as well, which is
    not article text.
    """
    if not title:
        return None
    from lxml import html as lxml_html

    title = " ".join(title.split())
    tree = lxml_html.fromstring(html)
    headings = {" ".join(h.text_content().split()) for h in tree.iter("h1")}
    return title if title in headings else None
