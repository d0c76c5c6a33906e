"""Word lists the sentence splitter consults; kept apart so they can grow alone."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Abbreviations written before a name, place or number ("TS. Nguyễn", "TP. HCM",
# "Q. 1"): a period after them does not end a sentence before a capital or digit.
TITLES = _words(
    """
    TP Tp tp TT Tt tt TX Tx tx Q q P p X x H h F KP Kp ĐT Đt
    GS PGS TS TSKH ThS Ths Th BS BSCK BSCKI BSCKII CKI CKII KS KTS LS NS NSƯT NSND
    NCS NXB Nxb
    St Mr Mrs Ms Mme Dr Prof Gen Lt Col Capt Sgt Rev Sen Rep Gov Pres Hon
    No no Vol vol tr Tr Fig fig Co Ph
    """
)

# Words that name a numbered part; "Điều 5. Quyền ..." opens a section.
SECTION_WORDS = _words("Điều Chương Mục Phần Khoản Tiết Bài Câu Bước Hình Bảng Kỳ") | {"Phụ lục"}

# Vietnamese middle names: "Nguyễn Văn A." ends with a given name, not an initial.
MIDDLE_NAMES = _words(
    """
    Văn Thị Hữu Đức Công Minh Ngọc Quang Thanh Xuân Kim Đình Bá Trọng Duy
    Thế Quốc Tiến Mạnh Anh Hồng Thu Như Bảo Gia Khánh Phương Tuấn Việt Ngân
    """
)

# Words that open sentences but rarely continue a title or a name ("... Công an TP.
# Mỗi đơn vị ..."), so a period before them ends the sentence even after "TP.".
SENTENCE_STARTERS = _words(
    """
    Sau Theo Trong Tuy Hiện Các Những Mỗi Đây Đó Điều Việc Khi Nếu Vì Do Ngoài Cùng
    Tại Từ Với Để Còn Nhưng Và Hôm Chiều Tối Trưa Ngày Dự Ông Bà Chị
    Chúng Tôi Họ Nhiều Cả Vậy Thế Rồi Lúc Bởi Riêng Đến Trước Qua Hơn Gần Kết Cũng
    Này Ai Sao Tất Mọi
    """
)
