"""Fake personal data, derived from a record's id at the moment it is served or written.

The simulator's own store never holds it; the tests can recompute it for any id to prove that the
pipeline never lets it reach disk or logs.
"""

from __future__ import annotations

import hashlib

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
            "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Lương", "Mai")
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Thu", "Hoài", "Xuân", "Bảo", "Kim")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Hương", "Khánh", "Lan",
         "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Ngọc", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo",
         "Thắng", "Trang", "Trung", "Tuấn", "Vân", "Yến")
STREETS = ("Kim Mã", "Láng Hạ", "Trần Duy Hưng", "Nguyễn Trãi", "Giải Phóng", "Xuân Thủy", "Minh Khai",
           "Hoàng Quốc Việt", "Phạm Văn Đồng", "Lạc Long Quân", "Ngọc Lâm", "Quang Trung")
GRIEVANCES = ("việc thu hồi đất và bồi thường, hỗ trợ tái định cư", "việc cấp giấy chứng nhận quyền sử dụng đất",
              "hành vi xây dựng trái phép của hộ liền kề", "thái độ của cán bộ tiếp nhận hồ sơ",
              "việc chậm trả kết quả giải quyết thủ tục hành chính", "tiếng ồn và ô nhiễm từ cơ sở sản xuất")


def _draw(key: object) -> int:
    return int.from_bytes(hashlib.blake2b(str(key).encode(), digest_size=16, person=b"cchc-person").digest(), "big")


def fake_person(key: object) -> dict[str, str]:
    h = _draw(key)
    digits = f"{(h >> 24) % 10**12:012d}"
    return {
        "name": f"{SURNAMES[h % 20]} {MIDDLE[(h >> 8) % 13]} {GIVEN[(h >> 16) % 32]}",
        "id_number": "0" + digits[1:],
        "phone": f"09{(h >> 64) % 10**8:08d}",
        "email": f"nguoidan{(h >> 96) % 10**6:06d}@example.vn",
        "address": f"Số {(h >> 40) % 300 + 1} phố {STREETS[(h >> 50) % 12]}, Hà Nội",
        "content": f"Đề nghị xem xét {GRIEVANCES[(h >> 56) % 6]} (mã {digits[-6:]})",
    }


def motcua_fragment(dossier_id: str) -> bytes:
    """The owner's fields of a dossier, as a JSON fragment to splice into the served record.

    Built by hand (every value is from the pools above: no character needs escaping): it runs for
    every dossier served, so it must cost about a microsecond.
    """
    return _fragment(_draw(dossier_id))


def _fragment(h: int) -> bytes:
    digits = f"{(h >> 24) % 10**12:012d}"
    return (f'"ChuHoSo":"{SURNAMES[h % 20]} {MIDDLE[(h >> 8) % 13]} {GIVEN[(h >> 16) % 32]}",'
            f'"SoGiayToChuHoSo":"0{digits[1:]}","SoDienThoai":"09{(h >> 64) % 10**8:08d}",'
            f'"Email":"nguoidan{(h >> 96) % 10**6:06d}@example.vn",'
            f'"DiaChi":"Số {(h >> 40) % 300 + 1} phố {STREETS[(h >> 50) % 12]}, Hà Nội"').encode()


def donthu_columns(petition_id: int) -> dict[str, str]:
    p = fake_person(petition_id)
    return {"ho_ten_nguoi_gui": p["name"], "cccd_nguoi_gui": p["id_number"], "dia_chi_nguoi_gui": p["address"],
            "noi_dung": p["content"]}
