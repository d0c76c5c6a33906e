"""Headlines in capitals reach the models in sentence case; the aligned vi stays as written."""

from __future__ import annotations

import pytest

from pipeline.document import Segment
from pipeline.text.case import is_shouting, unshout


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SƠ KẾT 02 NĂM THỰC HIỆN CHƯƠNG TRÌNH", "Sơ kết 02 năm thực hiện chương trình"),
        ("“ĐỔI MỚI” LÀ CON ĐƯỜNG", "“Đổi mới” là con đường"),
        ("UBND tỉnh họp về COVID-19.", "UBND tỉnh họp về COVID-19."),
        ("Ông Nguyễn Văn Hòa nói.", "Ông Nguyễn Văn Hòa nói."),
        ("HỌP BÁO", "HỌP BÁO"),  # too short to tell a headline from an acronym pair
        ("2016 – 2021", "2016 – 2021"),
    ],
)
def test_unshout(text: str, expected: str):
    assert unshout(text) == expected
    assert is_shouting(text) == (text != expected)


def test_model_text_is_sentence_case_and_vi_is_kept():
    segment = Segment(id="d/p1/s1", vi="SO KET 02 NAM THUC HIEN", start=0, end=23)
    segment.vi_restored = "SƠ KẾT 02 NĂM THỰC HIỆN"
    assert segment.model_text == "Sơ kết 02 năm thực hiện"
    assert segment.vi == "SO KET 02 NAM THUC HIEN"
