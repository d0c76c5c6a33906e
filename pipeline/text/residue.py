"""Find web-page residue (comment forms, share buttons, link lists) among paragraphs.

Scraped articles end with the page furniture around them. It must not be
translated, but it is recorded rather than dropped, so every rule here errs on
the side of keeping text: a paragraph is residue only when it *is* a known
label, not when it merely starts with one of its words.
"""

from __future__ import annotations

import re

# Labels that are residue wherever they stand: nobody writes them as prose.
# Paragraphs are matched whole, casefolded, with spaces collapsed.
_STRONG = {
    "comment_form": (
        r"email của bạn sẽ không được (?:hiển thị|công bố|công khai).{0,150}",
        r"các trường bắt buộc được đánh dấu ?\*?\.?",
        r"(?:gửi|viết|đăng) bình luận:?",
        r"(?:để lại|viết) (?:một )?bình luận(?: của bạn)?:?",
        r"lưu tên của tôi, email,? và trang web.{0,120}",
        r"(?:hủy|huỷ) trả lời",
        r"(?:ý kiến bạn đọc|bình luận của bạn|hiện chưa có bình luận nào|chưa có bình luận)\.?",
        r"bạn cần đăng nhập để bình luận.{0,80}",
        r"your email address will not be published.{0,120}",
        r"leave a (?:reply|comment)",
        r"post comment",
    ),
    "share_buttons": (
        r"chia sẻ(?: bài viết)?(?: (?:lên|qua))? ?:? ?(?:facebook|zalo|twitter)"
        r"(?: ?[|/,] ?(?:facebook|zalo|twitter|email|in|tweet))*",
        r"(?:facebook|zalo|twitter|tweet|email|in bài(?: viết)?|bản in)"
        r"(?: ?[|/,]? ?(?:facebook|zalo|twitter|tweet|email|in bài(?: viết)?|bản in))+",
    ),
    "related_links": (
        r"(?:tin|bài(?: viết)?) "
        r"(?:liên quan|cùng chuyên mục|cùng chủ đề|mới nhất|đọc nhiều(?: nhất)?):?",
        r"(?:các|những) (?:tin|bài) (?:khác|đã đưa)(?: ?\.\.\.)?:?",
        r"có thể bạn quan tâm:?",
        r"related (?:posts|articles|news):?",
        # "Xem thêm: <title of another article>": a title carries no full stop.
        r"(?:xem thêm|đọc thêm|tin liên quan|bài liên quan) ?[:>»] ?[^.!?]{1,150}",
    ),
    "copyright": (
        r"(?:bản quyền|copyright) ?(?:©|\(c\)|thuộc về|thuộc).{0,200}",
        r"[^©]{0,150}©[^©]{0,150}",
        r".{0,150}all rights reserved\.?",
        r"ghi rõ nguồn .{0,80} khi phát hành lại thông tin.{0,80}",
    ),
    "tags": (r"(?:từ khóa|từ khoá|tags?|thẻ) ?: ?[^.!?]{1,200}",),
    "navigation": (
        r"trang chủ(?: ?[>»/|›] ?[^.!?]{1,150})?",
        r"(?:về|lên|quay lại|trở về) đầu trang",
    ),
}

# Labels that are residue only next to other residue or in the short lines
# that end a page ("Trả lời:" also heads the answer in a Q&A article).
_WEAK = {
    "comment_form": (
        r"trả lời",
        r"bình luận",
        r"(?:tên|họ tên|họ và tên|email|e-mail|website|trang web|nội dung|name|comment) ?\*",
        r"(?:tên|họ tên|email|website|trang web)",
        r"gửi",
        r"(?:hủy|huỷ)",
        r"\d+ bình luận",
    ),
    "share_buttons": (
        r"chia sẻ:?",
        r"facebook",
        r"zalo",
        r"twitter",
        r"tweet",
        r"in bài",
        r"thích",
        r"lưu",
    ),
    "navigation": (r"quay lại", r"trở về", r"in"),
}


def _compile(table: dict[str, tuple[str, ...]]) -> list[tuple[str, re.Pattern[str]]]:
    return [(reason, re.compile("|".join(f"(?:{p})" for p in ps))) for reason, ps in table.items()]


STRONG_PATTERNS = _compile(_STRONG)
WEAK_PATTERNS = _compile(_WEAK)
# Residue blocks are made of fragments; a longer paragraph is taken for content.
SHORT = 120
# A comment form counts as the page footer only in the last part of the text.
TAIL_SHARE = 0.5


def _match(patterns: list[tuple[str, re.Pattern[str]]], text: str) -> str | None:
    label = " ".join(text.casefold().split())
    for reason, pattern in patterns:
        if pattern.fullmatch(label):
            return reason
    return None


def detect_residue(paragraphs: list[str]) -> dict[int, str]:
    """Name the paragraphs that are page residue rather than article text.

    Strong labels ("Email của bạn sẽ không được hiển thị công khai", "Gửi bình
    luận", "Bản quyền © ...") are residue anywhere. Weak ones ("Trả lời",
    "Bình luận", "Tên *") count only inside the trailing run of short
    paragraphs or next to other residue. Once a comment form starts in the last
    part of the document, every short paragraph after it is residue too.

    Args:
        paragraphs: the paragraphs of one document, in order.

    Returns:
        ``{index: reason}`` for residue paragraphs; reasons are "comment_form",
        "share_buttons", "related_links", "copyright", "tags" or "navigation".
    """
    found: dict[int, str] = {}
    for index, text in enumerate(paragraphs):
        reason = _match(STRONG_PATTERNS, text)
        if reason and len(text) <= 300:
            found[index] = reason
    weak = {i: r for i, t in enumerate(paragraphs) if (r := _match(WEAK_PATTERNS, t))}
    tail = len(paragraphs)
    while tail > 0 and len(paragraphs[tail - 1]) <= SHORT:
        tail -= 1
    labelled_tail = [i for i in range(tail, len(paragraphs)) if i in found or i in weak]
    if len(labelled_tail) >= 2:
        found.update({i: weak[i] for i in labelled_tail if i not in found})
    grown = True
    while grown:
        near = {i: r for i, r in weak.items() if i not in found and {i - 1, i + 1} & found.keys()}
        found.update(near)
        grown = bool(near)
    _extend_comment_block(paragraphs, found)
    return dict(sorted(found.items()))


def _extend_comment_block(paragraphs: list[str], found: dict[int, str]) -> None:
    """Mark the short fragments after a comment form that starts near the end."""
    starts = [i for i, reason in found.items() if reason == "comment_form"]
    if not starts:
        return
    first = min(starts)
    before = sum(len(p) for p in paragraphs[:first])
    if before < TAIL_SHARE * sum(len(p) for p in paragraphs):
        return
    for index in range(first + 1, len(paragraphs)):
        if index not in found and len(paragraphs[index]) <= SHORT:
            found[index] = "comment_form"
