"""Closing quotes and brackets after sentence-final punctuation stay with their sentence."""

from __future__ import annotations

import pytest

from pipeline.text.segment import split_sentences

CASES = [
    ('Ông nói: "Tôi không biết!". Hùng đáp.', ['Ông nói: "Tôi không biết!".', "Hùng đáp."]),
    ('Cô hỏi: "Sao vậy?". Hùng đáp.', ['Cô hỏi: "Sao vậy?".', "Hùng đáp."]),
    ('Anh kể: "Tôi chờ lâu...". Sau đó đi.', ['Anh kể: "Tôi chờ lâu...".', "Sau đó đi."]),
    ("Bà hỏi: “Con đi đâu?”. Nó im lặng.", ["Bà hỏi: “Con đi đâu?”.", "Nó im lặng."]),
    ("Họ hô: “Vô địch!”. Sân vỡ òa.", ["Họ hô: “Vô địch!”.", "Sân vỡ òa."]),
    ("Chị nói: “Mệt quá…”. Rồi chị ngủ.", ["Chị nói: “Mệt quá…”.", "Rồi chị ngủ."]),
    ("Anh nói (tôi nghe rõ!). Sau đó im.", ["Anh nói (tôi nghe rõ!).", "Sau đó im."]),
    ('Ông nói: "Tôi không biết!" . Hùng đáp.', ['Ông nói: "Tôi không biết!" .', "Hùng đáp."]),
    ('Cô hỏi: "Sao vậy? ". Hùng đáp.', ['Cô hỏi: "Sao vậy? ".', "Hùng đáp."]),
    ('Ông nói : " Tôi biết ! " . Hùng đáp .', ['Ông nói : " Tôi biết ! " .', "Hùng đáp ."]),
    ('Cô hỏi : " Sao vậy ? " . Hùng đáp .', ['Cô hỏi : " Sao vậy ? " .', "Hùng đáp ."]),
    ('Anh kể : " Chờ lâu ... " . Sau đó đi .', ['Anh kể : " Chờ lâu ... " .', "Sau đó đi ."]),
    ("Bà hỏi : “ Con đi đâu ? ” . Nó im lặng .", ["Bà hỏi : “ Con đi đâu ? ” .", "Nó im lặng ."]),
    ("Anh nói ( tôi nghe rõ ! ) . Sau đó im .", ["Anh nói ( tôi nghe rõ ! ) .", "Sau đó im ."]),
    ('Ông nói : " Tôi đi ! " Hùng đáp .', ['Ông nói : " Tôi đi ! "', "Hùng đáp ."]),
    ('Anh nói xong . " Tôi đi " , anh nói .', ["Anh nói xong .", '" Tôi đi " , anh nói .']),
    ('Ông nói: "Tôi không biết!" rồi đi.', ['Ông nói: "Tôi không biết!" rồi đi.']),
    ("Giá tăng mạnh ... , nhưng dân vẫn mua .", ["Giá tăng mạnh ... , nhưng dân vẫn mua ."]),
    ("Hết hàng ... . Mai có tiếp .", ["Hết hàng ... .", "Mai có tiếp ."]),
    ("Xong rồi. ... Rồi mọi việc qua đi.", ["Xong rồi.", "... Rồi mọi việc qua đi."]),
]


@pytest.mark.parametrize(
    ("text", "sentences"),
    CASES,
    ids=[
        "bang_quote_period",
        "question_quote_period",
        "ellipsis_quote_period",
        "question_curly_period",
        "bang_curly_period",
        "ellipsis_char_curly_period",
        "bang_paren_period",
        "spaced_period",
        "spaced_quote",
        "tokenized_bang",
        "tokenized_question",
        "tokenized_ellipsis",
        "tokenized_curly",
        "tokenized_paren",
        "tokenized_quote_then_sentence",
        "tokenized_opening_quote_stays",
        "quote_then_lowercase_goes_on",
        "ellipsis_then_comma_goes_on",
        "ellipsis_then_period",
        "sentence_starting_with_ellipsis",
    ],
)
def test_closers_stay_with_their_sentence(text: str, sentences: list[str]) -> None:
    assert [text[s:e] for s, e in split_sentences(text)] == sentences
