"""Real organisation directory of Hanoi, for the built-in simulator (pure data).

Contents (names only; codes are assigned elsewhere):

* ``CITY_PC`` - the city People's Committee.
* ``DEPARTMENTS_2008`` - the 21 departments / department-equivalent agencies of
  the Hanoi People's Committee that existed until 2025-02-28.
* ``DEPARTMENTS_2025`` - the 15 departments / equivalents + 1 (the high-tech and
  industrial parks board) that exist from 2025-03-01, with the old units each
  one absorbs.
* ``DISTRICTS`` - the 30 district-level units (12 quận, 17 huyện, 1 thị xã) that
  existed until 2025-06-30, each with its commune-level units as of 2023
  (579 in total: 175 phường, 383 xã, 21 thị trấn).
* ``COMMUNES_2025`` - the 126 commune-level units from 2025-07-01
  (51 phường + 75 xã, two-level local government).
* ``PUBLIC_SERVICE_UNITS`` - a few real public service units (DVSN) of the city.

All names are Vietnamese, NFC-normalised, modern tone placement ("Hòa", "Thụy").

Sources: general knowledge of Hanoi's administrative units (General Statistics
Office unit list as in force 2020-2024, after Resolution 832/NQ-UBTVQH14);
resolutions of the National Assembly Standing Committee on Hanoi's 2025
arrangement of commune-level units (Resolution 1656/NQ-UBTVQH15 of 2025-06-16);
Hanoi's 2025 reorganisation of specialised agencies (effective 2025-03-01).
"""

import datetime as _dt
import unicodedata as _ud

CITY_PC = "Ủy ban nhân dân thành phố Hà Nội"

# (key, full_name, short_aliases) - valid until 2025-02-28.
DEPARTMENTS_2008 = (
    ("van_phong", "Văn phòng Ủy ban nhân dân thành phố", ("VP UBND TP", "Văn phòng UBND TP")),
    ("thanh_tra", "Thanh tra thành phố", ("Thanh tra TP", "TTTP")),
    ("noi_vu", "Sở Nội vụ", ("Sở NV", "SNV Hà Nội")),
    ("tu_phap", "Sở Tư pháp", ("Sở TP", "STP Hà Nội")),
    ("ke_hoach_dau_tu", "Sở Kế hoạch và Đầu tư", ("Sở KH&ĐT", "Sở KHĐT")),
    ("tai_chinh", "Sở Tài chính", ("Sở TC", "STC Hà Nội")),
    ("cong_thuong", "Sở Công Thương", ("Sở CT", "Sở Công thương")),
    ("nong_nghiep_ptnt", "Sở Nông nghiệp và Phát triển nông thôn", ("Sở NN&PTNT", "Sở NNPTNT")),
    ("giao_thong_van_tai", "Sở Giao thông vận tải", ("Sở GTVT", "SGTVT Hà Nội")),
    ("xay_dung", "Sở Xây dựng", ("Sở XD", "SXD Hà Nội")),
    ("tai_nguyen_moi_truong", "Sở Tài nguyên và Môi trường", ("Sở TN&MT", "Sở TNMT")),
    ("thong_tin_truyen_thong", "Sở Thông tin và Truyền thông", ("Sở TT&TT", "Sở TTTT")),
    ("lao_dong_tbxh", "Sở Lao động - Thương binh và Xã hội", ("Sở LĐ-TB&XH", "Sở LĐTBXH")),
    ("van_hoa_the_thao", "Sở Văn hóa và Thể thao", ("Sở VH&TT", "Sở VHTT")),
    ("du_lich", "Sở Du lịch", ("Sở DL", "Sở Du lịch HN")),
    ("khoa_hoc_cong_nghe", "Sở Khoa học và Công nghệ", ("Sở KH&CN", "Sở KHCN")),
    ("giao_duc_dao_tao", "Sở Giáo dục và Đào tạo", ("Sở GD&ĐT", "Sở GDĐT")),
    ("y_te", "Sở Y tế", ("Sở YT", "SYT Hà Nội")),
    ("ngoai_vu", "Sở Ngoại vụ", ("Sở NgV", "Sở Ngoại vụ HN")),
    ("quy_hoach_kien_truc", "Sở Quy hoạch - Kiến trúc", ("Sở QH-KT", "Sở QHKT")),
    ("ban_dan_toc", "Ban Dân tộc thành phố", ("Ban DT", "Ban Dân tộc TP")),
)

# (key, full_name, short_aliases, absorbs) - valid from 2025-03-01.
# Same key as a DEPARTMENTS_2008 entry = that unit continues (same code);
# new key = new unit. Every absorbed unit ends on 2025-02-28.
DEPARTMENTS_2025 = (
    ("van_phong", "Văn phòng Ủy ban nhân dân thành phố", ("VP UBND TP", "Văn phòng UBND TP"),
     ("ngoai_vu",)),  # Sở Ngoại vụ dissolved, functions to the Office
    ("thanh_tra", "Thanh tra thành phố", ("Thanh tra TP", "TTTP"), ()),
    ("noi_vu", "Sở Nội vụ", ("Sở NV", "SNV Hà Nội"), ("lao_dong_tbxh",)),
    ("tu_phap", "Sở Tư pháp", ("Sở TP", "STP Hà Nội"), ()),
    ("tai_chinh", "Sở Tài chính", ("Sở TC", "STC Hà Nội"), ("ke_hoach_dau_tu",)),
    ("cong_thuong", "Sở Công Thương", ("Sở CT", "Sở Công thương"), ()),
    ("nong_nghiep_moi_truong", "Sở Nông nghiệp và Môi trường", ("Sở NN&MT", "Sở NNMT"),
     ("nong_nghiep_ptnt", "tai_nguyen_moi_truong")),
    ("xay_dung", "Sở Xây dựng", ("Sở XD", "SXD Hà Nội"), ("giao_thong_van_tai",)),
    ("khoa_hoc_cong_nghe", "Sở Khoa học và Công nghệ", ("Sở KH&CN", "Sở KHCN"),
     ("thong_tin_truyen_thong",)),
    ("van_hoa_the_thao", "Sở Văn hóa và Thể thao", ("Sở VH&TT", "Sở VHTT"), ()),
    ("du_lich", "Sở Du lịch", ("Sở DL", "Sở Du lịch HN"), ()),
    ("giao_duc_dao_tao", "Sở Giáo dục và Đào tạo", ("Sở GD&ĐT", "Sở GDĐT"), ()),
    ("y_te", "Sở Y tế", ("Sở YT", "SYT Hà Nội"), ()),
    ("quy_hoach_kien_truc", "Sở Quy hoạch - Kiến trúc", ("Sở QH-KT", "Sở QHKT"), ()),
    ("dan_toc_ton_giao", "Sở Dân tộc và Tôn giáo", ("Sở DT&TG", "Sở DTTG"), ("ban_dan_toc",)),
    # The "+1": department-equivalent board, new from 2025-03-01.
    ("bql_khu_cnc_kcn",
     "Ban Quản lý các khu công nghệ cao và khu công nghiệp thành phố Hà Nội",
     ("BQL khu CNC và KCN", "Ban QL KCNC&KCN HN"), ()),
)


def _ph(*names):
    return tuple(("phường", n) for n in names)


def _xa(*names):
    return tuple(("xã", n) for n in names)


def _tt(*names):
    return tuple(("thị trấn", n) for n in names)


# (kind, name, communes) - valid until 2025-06-30; communes as in 2023.
DISTRICTS = (
    # --- 12 quận ---
    ("quận", "Ba Đình", _ph(
        "Cống Vị", "Điện Biên", "Đội Cấn", "Giảng Võ", "Kim Mã", "Liễu Giai",
        "Ngọc Hà", "Ngọc Khánh", "Nguyễn Trung Trực", "Phúc Xá", "Quán Thánh",
        "Thành Công", "Trúc Bạch", "Vĩnh Phúc")),
    ("quận", "Hoàn Kiếm", _ph(
        "Chương Dương", "Cửa Đông", "Cửa Nam", "Đồng Xuân", "Hàng Bạc", "Hàng Bài",
        "Hàng Bồ", "Hàng Bông", "Hàng Buồm", "Hàng Đào", "Hàng Gai", "Hàng Mã",
        "Hàng Trống", "Lý Thái Tổ", "Phan Chu Trinh", "Phúc Tân", "Trần Hưng Đạo",
        "Tràng Tiền")),
    ("quận", "Tây Hồ", _ph(
        "Bưởi", "Nhật Tân", "Phú Thượng", "Quảng An", "Thụy Khuê", "Tứ Liên",
        "Xuân La", "Yên Phụ")),
    ("quận", "Long Biên", _ph(
        "Bồ Đề", "Cự Khối", "Đức Giang", "Gia Thụy", "Giang Biên", "Long Biên",
        "Ngọc Lâm", "Ngọc Thụy", "Phúc Đồng", "Phúc Lợi", "Sài Đồng", "Thạch Bàn",
        "Thượng Thanh", "Việt Hưng")),
    ("quận", "Cầu Giấy", _ph(
        "Dịch Vọng", "Dịch Vọng Hậu", "Mai Dịch", "Nghĩa Đô", "Nghĩa Tân",
        "Quan Hoa", "Trung Hòa", "Yên Hòa")),
    ("quận", "Đống Đa", _ph(
        "Cát Linh", "Hàng Bột", "Khâm Thiên", "Khương Thượng", "Kim Liên",
        "Láng Hạ", "Láng Thượng", "Nam Đồng", "Ngã Tư Sở", "Ô Chợ Dừa",
        "Phương Liên", "Phương Mai", "Quang Trung", "Quốc Tử Giám", "Thịnh Quang",
        "Thổ Quan", "Trung Liệt", "Trung Phụng", "Trung Tự", "Văn Chương",
        "Văn Miếu")),
    ("quận", "Hai Bà Trưng", _ph(
        "Bách Khoa", "Bạch Đằng", "Bạch Mai", "Cầu Dền", "Đống Mác", "Đồng Nhân",
        "Đồng Tâm", "Lê Đại Hành", "Minh Khai", "Nguyễn Du", "Phạm Đình Hổ",
        "Phố Huế", "Quỳnh Lôi", "Quỳnh Mai", "Thanh Lương", "Thanh Nhàn",
        "Trương Định", "Vĩnh Tuy")),
    ("quận", "Hoàng Mai", _ph(
        "Đại Kim", "Định Công", "Giáp Bát", "Hoàng Liệt", "Hoàng Văn Thụ",
        "Lĩnh Nam", "Mai Động", "Tân Mai", "Thanh Trì", "Thịnh Liệt", "Trần Phú",
        "Tương Mai", "Vĩnh Hưng", "Yên Sở")),
    ("quận", "Thanh Xuân", _ph(
        "Hạ Đình", "Khương Đình", "Khương Mai", "Khương Trung", "Kim Giang",
        "Nhân Chính", "Phương Liệt", "Thanh Xuân Bắc", "Thanh Xuân Nam",
        "Thanh Xuân Trung", "Thượng Đình")),
    ("quận", "Nam Từ Liêm", _ph(
        "Cầu Diễn", "Đại Mỗ", "Mễ Trì", "Mỹ Đình 1", "Mỹ Đình 2", "Phú Đô",
        "Phương Canh", "Tây Mỗ", "Trung Văn", "Xuân Phương")),
    ("quận", "Bắc Từ Liêm", _ph(
        "Cổ Nhuế 1", "Cổ Nhuế 2", "Đông Ngạc", "Đức Thắng", "Liên Mạc",
        "Minh Khai", "Phú Diễn", "Phúc Diễn", "Tây Tựu", "Thượng Cát",
        "Thụy Phương", "Xuân Đỉnh", "Xuân Tảo")),
    ("quận", "Hà Đông", _ph(
        "Biên Giang", "Dương Nội", "Đồng Mai", "Hà Cầu", "Kiến Hưng", "La Khê",
        "Mộ Lao", "Nguyễn Trãi", "Phú La", "Phú Lãm", "Phú Lương", "Phúc La",
        "Quang Trung", "Vạn Phúc", "Văn Quán", "Yên Nghĩa", "Yết Kiêu")),
    # --- 17 huyện ---
    ("huyện", "Sóc Sơn", _tt("Sóc Sơn") + _xa(
        "Bắc Phú", "Bắc Sơn", "Đông Xuân", "Đức Hòa", "Hiền Ninh", "Hồng Kỳ",
        "Kim Lũ", "Mai Đình", "Minh Phú", "Minh Trí", "Nam Sơn", "Phú Cường",
        "Phù Linh", "Phù Lỗ", "Phú Minh", "Quang Tiến", "Tân Dân", "Tân Hưng",
        "Tân Minh", "Thanh Xuân", "Tiên Dược", "Trung Giã", "Việt Long",
        "Xuân Giang", "Xuân Thu")),
    ("huyện", "Đông Anh", _tt("Đông Anh") + _xa(
        "Bắc Hồng", "Cổ Loa", "Đại Mạch", "Đông Hội", "Dục Tú", "Hải Bối",
        "Kim Chung", "Kim Nỗ", "Liên Hà", "Mai Lâm", "Nam Hồng", "Nguyên Khê",
        "Tàm Xá", "Thụy Lâm", "Tiên Dương", "Uy Nỗ", "Vân Hà", "Vân Nội",
        "Việt Hùng", "Vĩnh Ngọc", "Võng La", "Xuân Canh", "Xuân Nộn")),
    ("huyện", "Gia Lâm", _tt("Trâu Quỳ", "Yên Viên") + _xa(
        "Bát Tràng", "Cổ Bi", "Đa Tốn", "Đặng Xá", "Đình Xuyên", "Đông Dư",
        "Dương Hà", "Dương Quang", "Dương Xá", "Kiêu Kỵ", "Kim Lan", "Kim Sơn",
        "Lệ Chi", "Ninh Hiệp", "Phù Đổng", "Phú Thị", "Trung Mầu", "Văn Đức",
        "Yên Thường", "Yên Viên")),
    ("huyện", "Thanh Trì", _tt("Văn Điển") + _xa(
        "Đại Áng", "Đông Mỹ", "Duyên Hà", "Hữu Hòa", "Liên Ninh", "Ngọc Hồi",
        "Ngũ Hiệp", "Tả Thanh Oai", "Tam Hiệp", "Tân Triều", "Thanh Liệt",
        "Tứ Hiệp", "Vạn Phúc", "Vĩnh Quỳnh", "Yên Mỹ")),
    ("huyện", "Mê Linh", _tt("Chi Đông", "Quang Minh") + _xa(
        "Chu Phan", "Đại Thịnh", "Hoàng Kim", "Kim Hoa", "Liên Mạc", "Mê Linh",
        "Tam Đồng", "Thạch Đà", "Thanh Lâm", "Tiền Phong", "Tiến Thắng",
        "Tiến Thịnh", "Tráng Việt", "Tự Lập", "Văn Khê", "Vạn Yên")),
    ("huyện", "Ba Vì", _tt("Tây Đằng") + _xa(
        "Ba Trại", "Ba Vì", "Cẩm Lĩnh", "Cam Thượng", "Châu Sơn", "Chu Minh",
        "Cổ Đô", "Đông Quang", "Đồng Thái", "Khánh Thượng", "Minh Châu",
        "Minh Quang", "Phong Vân", "Phú Châu", "Phú Cường", "Phú Đông",
        "Phú Phương", "Phú Sơn", "Sơn Đà", "Tản Hồng", "Tản Lĩnh", "Thái Hòa",
        "Thuần Mỹ", "Thụy An", "Tiên Phong", "Tòng Bạt", "Vân Hòa", "Vạn Thắng",
        "Vật Lại", "Yên Bài")),
    ("huyện", "Phúc Thọ", _tt("Phúc Thọ") + _xa(
        "Hát Môn", "Hiệp Thuận", "Liên Hiệp", "Long Xuyên", "Ngọc Tảo",
        "Phúc Hòa", "Phụng Thượng", "Sen Phương", "Tam Hiệp", "Tam Thuấn",
        "Thanh Đa", "Thọ Lộc", "Thượng Cốc", "Tích Giang", "Trạch Mỹ Lộc",
        "Vân Hà", "Vân Nam", "Vân Phúc", "Võng Xuyên", "Xuân Đình")),
    ("huyện", "Đan Phượng", _tt("Phùng") + _xa(
        "Đan Phượng", "Đồng Tháp", "Hạ Mỗ", "Hồng Hà", "Liên Hà", "Liên Hồng",
        "Liên Trung", "Phương Đình", "Song Phượng", "Tân Hội", "Tân Lập",
        "Thọ An", "Thọ Xuân", "Thượng Mỗ", "Trung Châu")),
    ("huyện", "Hoài Đức", _tt("Trạm Trôi") + _xa(
        "An Khánh", "An Thượng", "Cát Quế", "Đắc Sở", "Di Trạch", "Đông La",
        "Đức Giang", "Đức Thượng", "Dương Liễu", "Kim Chung", "La Phù", "Lại Yên",
        "Minh Khai", "Sơn Đồng", "Song Phương", "Tiền Yên", "Vân Canh", "Vân Côn",
        "Yên Sở")),
    ("huyện", "Quốc Oai", _tt("Quốc Oai") + _xa(
        "Cấn Hữu", "Cộng Hòa", "Đại Thành", "Đồng Quang", "Đông Xuân", "Đông Yên",
        "Hòa Thạch", "Liệp Tuyết", "Nghĩa Hương", "Ngọc Liệp", "Ngọc Mỹ",
        "Phú Cát", "Phú Mãn", "Phượng Cách", "Sài Sơn", "Tân Hòa", "Tân Phú",
        "Thạch Thán", "Tuyết Nghĩa", "Yên Sơn")),
    ("huyện", "Thạch Thất", _tt("Liên Quan") + _xa(
        "Bình Phú", "Bình Yên", "Cẩm Yên", "Cần Kiệm", "Canh Nậu", "Chàng Sơn",
        "Đại Đồng", "Dị Nậu", "Đồng Trúc", "Hạ Bằng", "Hương Ngải", "Hữu Bằng",
        "Kim Quan", "Lại Thượng", "Phú Kim", "Phùng Xá", "Tân Xã", "Thạch Hòa",
        "Thạch Xá", "Tiến Xuân", "Yên Bình", "Yên Trung")),
    ("huyện", "Chương Mỹ", _tt("Chúc Sơn", "Xuân Mai") + _xa(
        "Đại Yên", "Đông Phương Yên", "Đông Sơn", "Đồng Lạc", "Đồng Phú",
        "Hòa Chính", "Hoàng Diệu", "Hoàng Văn Thụ", "Hồng Phong", "Hợp Đồng",
        "Hữu Văn", "Lam Điền", "Mỹ Lương", "Nam Phương Tiến", "Ngọc Hòa",
        "Phú Nam An", "Phú Nghĩa", "Phụng Châu", "Quảng Bị", "Tân Tiến",
        "Thanh Bình", "Thủy Xuân Tiên", "Thụy Hương", "Thượng Vực", "Tiên Phương",
        "Tốt Động", "Trần Phú", "Trung Hòa", "Trường Yên", "Văn Võ")),
    ("huyện", "Thanh Oai", _tt("Kim Bài") + _xa(
        "Bích Hòa", "Bình Minh", "Cao Dương", "Cao Viên", "Cự Khê", "Dân Hòa",
        "Đỗ Động", "Hồng Dương", "Kim An", "Kim Thư", "Liên Châu", "Mỹ Hưng",
        "Phương Trung", "Tam Hưng", "Tân Ước", "Thanh Cao", "Thanh Mai",
        "Thanh Thùy", "Thanh Văn", "Xuân Dương")),
    ("huyện", "Thường Tín", _tt("Thường Tín") + _xa(
        "Chương Dương", "Dũng Tiến", "Duyên Thái", "Hà Hồi", "Hiền Giang",
        "Hòa Bình", "Hồng Vân", "Khánh Hà", "Lê Lợi", "Liên Phương", "Minh Cường",
        "Nghiêm Xuyên", "Nguyễn Trãi", "Nhị Khê", "Ninh Sở", "Quất Động",
        "Tân Minh", "Thắng Lợi", "Thống Nhất", "Thư Phú", "Tiền Phong", "Tô Hiệu",
        "Tự Nhiên", "Vạn Điểm", "Văn Bình", "Văn Phú", "Văn Tự", "Vân Tảo")),
    ("huyện", "Phú Xuyên", _tt("Phú Minh", "Phú Xuyên") + _xa(
        "Bạch Hạ", "Châu Can", "Chuyên Mỹ", "Đại Thắng", "Đại Xuyên", "Hoàng Long",
        "Hồng Minh", "Hồng Thái", "Khai Thái", "Minh Tân", "Nam Phong", "Nam Tiến",
        "Nam Triều", "Phú Túc", "Phú Yên", "Phúc Tiến", "Phượng Dực", "Quang Lãng",
        "Quang Trung", "Sơn Hà", "Tân Dân", "Tri Thủy", "Tri Trung", "Văn Hoàng",
        "Vân Từ")),
    ("huyện", "Ứng Hòa", _tt("Vân Đình") + _xa(
        "Cao Thành", "Đại Cường", "Đại Hùng", "Đội Bình", "Đông Lỗ", "Đồng Tân",
        "Đồng Tiến", "Hoa Sơn", "Hòa Lâm", "Hòa Nam", "Hòa Phú", "Hòa Xá",
        "Hồng Quang", "Kim Đường", "Liên Bạt", "Lưu Hoàng", "Minh Đức", "Phù Lưu",
        "Phương Tú", "Quảng Phú Cầu", "Sơn Công", "Tảo Dương Văn", "Trầm Lộng",
        "Trung Tú", "Trường Thịnh", "Vạn Thái", "Viên An", "Viên Nội")),
    ("huyện", "Mỹ Đức", _tt("Đại Nghĩa") + _xa(
        "An Mỹ", "An Phú", "An Tiến", "Bột Xuyên", "Đại Hưng", "Đốc Tín",
        "Đồng Tâm", "Hồng Sơn", "Hợp Thanh", "Hợp Tiến", "Hùng Tiến", "Hương Sơn",
        "Lê Thanh", "Mỹ Thành", "Phù Lưu Tế", "Phúc Lâm", "Phùng Xá",
        "Thượng Lâm", "Tuy Lai", "Vạn Kim", "Xuy Xá")),
    # --- 1 thị xã ---
    ("thị xã", "Sơn Tây", _ph(
        "Lê Lợi", "Ngô Quyền", "Phú Thịnh", "Quang Trung", "Sơn Lộc",
        "Trung Hưng", "Trung Sơn Trầm", "Viên Sơn", "Xuân Khanh") + _xa(
        "Cổ Đông", "Đường Lâm", "Kim Sơn", "Sơn Đông", "Thanh Mỹ", "Xuân Sơn")),
)

# (kind, name) - valid from 2025-07-01 (Resolution 1656/NQ-UBTVQH15).
COMMUNES_2025 = _ph(
    "Hoàn Kiếm", "Cửa Nam", "Ba Đình", "Ngọc Hà", "Giảng Võ", "Hai Bà Trưng",
    "Vĩnh Tuy", "Bạch Mai", "Đống Đa", "Kim Liên", "Văn Miếu - Quốc Tử Giám",
    "Láng", "Ô Chợ Dừa", "Hồng Hà", "Lĩnh Nam", "Hoàng Mai", "Vĩnh Hưng",
    "Tương Mai", "Định Công", "Hoàng Liệt", "Yên Sở", "Thanh Xuân",
    "Khương Đình", "Phương Liệt", "Cầu Giấy", "Nghĩa Đô", "Yên Hòa", "Tây Hồ",
    "Phú Thượng", "Tây Tựu", "Phú Diễn", "Xuân Đỉnh", "Đông Ngạc", "Thượng Cát",
    "Từ Liêm", "Xuân Phương", "Tây Mỗ", "Đại Mỗ", "Long Biên", "Bồ Đề",
    "Việt Hưng", "Phúc Lợi", "Hà Đông", "Dương Nội", "Yên Nghĩa", "Phú Lương",
    "Kiến Hưng", "Thanh Liệt", "Chương Mỹ", "Sơn Tây", "Tùng Thiện",
) + _xa(
    "Thanh Trì", "Đại Thanh", "Nam Phù", "Ngọc Hồi", "Thượng Phúc", "Thường Tín",
    "Chương Dương", "Hồng Vân", "Phú Xuyên", "Phượng Dực", "Chuyên Mỹ",
    "Đại Xuyên", "Thanh Oai", "Bình Minh", "Tam Hưng", "Dân Hòa", "Vân Đình",
    "Ứng Thiên", "Hòa Xá", "Ứng Hòa", "Mỹ Đức", "Hồng Sơn", "Phúc Sơn",
    "Hương Sơn", "Phú Nghĩa", "Xuân Mai", "Trần Phú", "Hòa Phú", "Quảng Bị",
    "Minh Châu", "Quảng Oai", "Vật Lại", "Cổ Đô", "Bất Bạt", "Suối Hai", "Ba Vì",
    "Yên Bài", "Đoài Phương", "Phúc Thọ", "Phúc Lộc", "Hát Môn", "Thạch Thất",
    "Hạ Bằng", "Tây Phương", "Hòa Lạc", "Yên Xuân", "Quốc Oai", "Hưng Đạo",
    "Kiều Phú", "Phú Cát", "Hoài Đức", "Dương Hòa", "Sơn Đồng", "An Khánh",
    "Đan Phượng", "Ô Diên", "Liên Minh", "Gia Lâm", "Thuận An", "Bát Tràng",
    "Phù Đổng", "Thư Lâm", "Đông Anh", "Phúc Thịnh", "Thiên Lộc", "Vĩnh Thanh",
    "Mê Linh", "Yên Lãng", "Tiến Thắng", "Quang Minh", "Sóc Sơn", "Đa Phúc",
    "Nội Bài", "Trung Giã", "Kim Anh",
)

# (key, full_name, short_aliases, valid_from) - city public service units (DVSN).
PUBLIC_SERVICE_UNITS = (
    ("dai_ptth", "Đài Phát thanh và Truyền hình Hà Nội",
     ("Đài PT-TH Hà Nội", "Đài Hà Nội", "HanoiTV"), "2008-08-01"),
    ("bql_duong_sat_do_thi", "Ban Quản lý đường sắt đô thị Hà Nội",
     ("Ban QL ĐSĐT", "MRB"), "2008-08-01"),
    # Project boards set up in the 2016-17 reorganisation (date approximate).
    ("bqlda_dan_dung",
     "Ban Quản lý dự án đầu tư xây dựng công trình dân dụng thành phố Hà Nội",
     ("BQLDA dân dụng", "Ban QLDA ĐTXD CT dân dụng"), "2017-01-01"),
    ("bqlda_giao_thong",
     "Ban Quản lý dự án đầu tư xây dựng công trình giao thông thành phố Hà Nội",
     ("BQLDA giao thông", "Ban QLDA giao thông HN"), "2017-01-01"),
    # HPA: operating since June 2015.
    ("xuc_tien_dt_tm_dl",
     "Trung tâm Xúc tiến Đầu tư, Thương mại, Du lịch thành phố Hà Nội",
     ("HPA", "TT Xúc tiến ĐT-TM-DL"), "2015-06-01"),
    # First branch began receiving dossiers on 2025-03-01.
    ("ttpvhcc", "Trung tâm Phục vụ hành chính công thành phố Hà Nội",
     ("TTPVHCC", "TT Phục vụ HCC", "Trung tâm HCC Hà Nội"), "2025-03-01"),
)


# --- import-time consistency checks ---
def _nfc(s):
    return _ud.normalize("NFC", s) == s


assert _nfc(CITY_PC)

assert len(DEPARTMENTS_2008) == 21
assert len({d[0] for d in DEPARTMENTS_2008}) == 21
assert len(DEPARTMENTS_2025) == 16
assert len({d[0] for d in DEPARTMENTS_2025}) == 16
for _d in DEPARTMENTS_2008 + DEPARTMENTS_2025:
    assert _d[0].isascii() and _nfc(_d[1]) and 1 <= len(_d[2]) <= 3, _d
    assert all(_nfc(a) for a in _d[2]), _d

# Each old key is either continued (same key) or absorbed by exactly one new unit.
_old_keys = {d[0] for d in DEPARTMENTS_2008}
_covered = [d[0] for d in DEPARTMENTS_2025 if d[0] in _old_keys]
_covered += [k for d in DEPARTMENTS_2025 for k in d[3]]
assert sorted(_covered) == sorted(_old_keys), _covered

assert len(DISTRICTS) == 30
assert [d[0] for d in DISTRICTS].count("quận") == 12
assert [d[0] for d in DISTRICTS].count("huyện") == 17
assert [d[0] for d in DISTRICTS].count("thị xã") == 1
assert len({d[1] for d in DISTRICTS}) == 30
for _kind, _name, _communes in DISTRICTS:
    assert _nfc(_name), _name
    assert len(_communes) >= 8, _name
    # (kind, name) unique; a bare name may repeat across kinds (Gia Lâm has
    # both thị trấn Yên Viên and xã Yên Viên).
    assert len(set(_communes)) == len(_communes), _name
    for _ck, _cn in _communes:
        assert _nfc(_cn), (_name, _cn)
        if _kind == "quận":
            assert _ck == "phường", (_name, _cn)
        elif _kind == "huyện":
            assert _ck in ("xã", "thị trấn"), (_name, _cn)
        else:
            assert _ck in ("phường", "xã"), (_name, _cn)
_all_2023 = [c for d in DISTRICTS for c in d[2]]
assert len(_all_2023) == 579
assert [c[0] for c in _all_2023].count("phường") == 175
assert [c[0] for c in _all_2023].count("xã") == 383
assert [c[0] for c in _all_2023].count("thị trấn") == 21

assert len(COMMUNES_2025) == 126
assert len(set(COMMUNES_2025)) == 126
assert [c[0] for c in COMMUNES_2025].count("phường") == 51
assert [c[0] for c in COMMUNES_2025].count("xã") == 75
assert all(_nfc(c[1]) for c in COMMUNES_2025)

assert 5 <= len(PUBLIC_SERVICE_UNITS) <= 8
assert len({u[0] for u in PUBLIC_SERVICE_UNITS}) == len(PUBLIC_SERVICE_UNITS)
for _u in PUBLIC_SERVICE_UNITS:
    assert _u[0].isascii() and _nfc(_u[1]) and 1 <= len(_u[2]) <= 3, _u
    assert all(_nfc(a) for a in _u[2]), _u
    _dt.date.fromisoformat(_u[3])
