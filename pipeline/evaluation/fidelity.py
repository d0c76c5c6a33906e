"""How many of the source's numbers, names and glossary terms the translations kept, as rates.

Measured on the final English, whatever path produced it, so the rates
compare models and configurations fairly: numbers (amounts, dates, times)
by value, names by spelling with or without diacritics, terms by their exact
English from the glossary the configuration uses.
"""

from __future__ import annotations

from typing import Any

from pipeline.document import Document
from pipeline.protect.glossary import Glossary
from pipeline.protect.spans import SpanFinder, SpanOptions
from pipeline.protect.verify import lost
from pipeline.quality.numbers import check_numbers, expectations

# Span kinds counted as names: Vietnamese names and Latin-script names and codes.
NAME_KINDS = frozenset({"name", "latin", "code"})


def fidelity(documents: list[Document | None], translate: Any | None) -> dict[str, Any]:
    """Kept and total counts, and kept shares, of numbers, names and glossary terms.

    Args:
        documents: the pipeline's documents (None for a failed one).
        translate: the ``translate`` settings (glossary, currency); None uses the defaults.

    Returns:
        ``numbers``, ``names`` and ``terms`` (shares kept, None when there were
        none or nothing was translated), each with ``<kind>_kept`` and ``<kind>_total`` counts, and
        ``segments_losing`` (segments that lost any of them).
    """
    path = getattr(translate, "glossary", None)
    currency = getattr(translate, "currency", "dong")
    finder = SpanFinder(SpanOptions(glossary=Glossary.load(path), currency=currency))
    kept = {"numbers": 0, "names": 0, "terms": 0}
    total = {"numbers": 0, "names": 0, "terms": 0}
    losing = 0
    for doc in documents:
        for segment in doc.segments if doc else []:
            if segment.en is None:  # not translated (no translate stage): nothing to keep
                continue
            counts = _segment(segment.vi, segment.en, finder, currency)
            for kind, (found, wanted) in counts.items():
                kept[kind] += found
                total[kind] += wanted
            losing += any(found < wanted for found, wanted in counts.values())
    result: dict[str, Any] = {}
    for kind in kept:
        result[kind] = round(kept[kind] / total[kind], 4) if total[kind] else None
        result[f"{kind}_kept"], result[f"{kind}_total"] = kept[kind], total[kind]
    result["segments_losing"] = losing
    return result


def _segment(vi: str, en: str, finder: SpanFinder, currency: str) -> dict[str, tuple[int, int]]:
    """(kept, total) per kind for one sentence."""
    numbers = [e for e in dict.fromkeys(expectations(vi, currency=currency)) if e.kind != "name"]
    missing = [e for e in check_numbers(vi, en, currency=currency) if e.kind != "name"]
    spans = finder.find(vi)
    names = [s for s in spans if s.kind in NAME_KINDS]
    terms = [s for s in spans if s.kind == "term"]
    return {
        "numbers": (len(numbers) - len(missing), len(numbers)),
        "names": (len(names) - len(lost(names, en, each=False)), len(names)),
        "terms": (len(terms) - len(lost(terms, en, each=False)), len(terms)),
    }
