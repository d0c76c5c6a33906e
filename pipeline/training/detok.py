"""Undo the Moses/Stanford-style tokenization of the shared corpora.

EVBNews and IWSLT put spaces around every punctuation mark; the models must
learn natural text instead, because WMT24++ references and user input are not
tokenized. ``sacremoses`` is not a dependency, so this is a small rule-based
detokenizer that covers the marks these corpora actually contain.
"""

from __future__ import annotations

import html
import unicodedata

# Tokens that glue to the word before them ("do n't", "today 's", IWSLT "don 't").
CONTRACTIONS = frozenset({"'s", "'re", "'ll", "'ve", "'m", "'d", "n't", "'t"})
# A token starting with one of these closes something and glues to the left.
CLOSING_CHARS = frozenset(",.;:?!%)]}…”’")
# Tokens after which the next token glues on ("( the", "$ 5", "“ quote").
OPENING_TOKENS = frozenset({"(", "[", "{", "$", "#", "“", "‘", "``"})
DOUBLE_QUOTES = frozenset({'"', "''"})


def detokenize(text: str) -> str:
    """Join a space-tokenized sentence back into natural, NFC-normalized text.

    Straight double quotes alternate open/close; a lone ``'`` after a word
    ending in *s* is a plural possessive, otherwise it alternates like a quote.

    Args:
        text: one tokenized sentence.

    Returns:
        The detokenized sentence.
    """
    out: list[str] = []
    glue_next = True
    in_double = in_single = False
    for token in text.split():
        glue_left = glue_right = False
        if token in DOUBLE_QUOTES:
            glue_left, glue_right = in_double, not in_double
            in_double = not in_double
        elif token == "'":
            if in_single or (out and out[-1][-1] in "sS"):
                glue_left = True
                in_single = False
            else:
                glue_right = in_single = True
        elif token.lower() in CONTRACTIONS or token[0] in CLOSING_CHARS:
            glue_left = True
            if token[-1] == '"' and len(token) > 1:
                in_double = False
        elif token in OPENING_TOKENS:
            glue_right = True
        if out and not (glue_next or glue_left):
            out.append(" ")
        out.append(token)
        glue_next = glue_right
    return unicodedata.normalize("NFC", "".join(out))


def unescape_iwslt(text: str) -> str:
    """Undo the HTML escaping (``&apos;``, ``&quot;``, ``&amp;``) and tokenization of IWSLT.

    Unescaping comes first so that ``&apos;s`` becomes a contraction the
    detokenizer recognises.

    Args:
        text: one line of the Stanford IWSLT'15 files.

    Returns:
        The natural sentence.
    """
    return detokenize(html.unescape(text))
