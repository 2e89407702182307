"""The source systems of Plan 61, declared once each, in the order a refresh reads them.

Everything below comes from `spec/sources.md`; a new field of a system goes into its record model
(`models/`), a new system into this list.
"""

from __future__ import annotations

from models import CoQuan, DonThu, DonVi, HoSo, KyBaoCao, NhiemVu, TiepCongDan, VanBan
from models.register import BaoCaoKhacPhuc, CuocKiemTra, KienNghi
from sources.declaration import (
    CursorPages,
    Database,
    GatewayEndpoint,
    LinkPages,
    OffsetPages,
    RawTable,
    System,
    Whole,
    Workbooks,
)

CITY_OFFICE = "team:van-phong-ubnd-tp"  # the City PC's office runs the gateway's four systems
INSPECTORATE = "team:thanh-tra-tp"
HOME_AFFAIRS = "team:so-noi-vu"  # the Department of Home Affairs keeps the inspection register

DIRECTORY = System(
    name="directory", title_vi="Danh mục đơn vị (mã định danh)", owner=CITY_OFFICE, in_source_health=False,
    access=GatewayEndpoint("/qlvb/v1/don-vi", Whole(), records_key="data"),
    tables=(RawTable("directory_don_vi", DonVi, updated=None),), order=0,
)

QLVB = System(
    name="qlvb", title_vi="Hệ thống Quản lý văn bản và Điều hành", owner=CITY_OFFICE, order=1,
    access=GatewayEndpoint(
        "/qlvb/v1/van-ban", OffsetPages(since_param="cap_nhat_tu", until_param="cap_nhat_den", page_param="trang",
                                        size_param="so_ban_ghi", total_key="tong_so"),
        records_key="du_lieu", max_page_size=1000, time_style="iso_offset_ict"),
    tables=(RawTable("qlvb_van_ban", VanBan, updated="cap_nhat_luc"),),
)

BAOCAO = System(
    name="baocao", title_vi="Hệ thống thông tin báo cáo", owner=CITY_OFFICE, order=2,
    access=GatewayEndpoint(
        "/baocao/v1/ky-bao-cao", CursorPages(since_param="updated_since", size_param="limit", cursor_param="cursor",
                                             next_cursor_key="next_cursor"),
        records_key="data", max_page_size=1000, time_style="utc_z"),
    tables=(RawTable("baocao_ky_bao_cao", KyBaoCao, updated="updated_at"),),
)

MOTCUA = System(
    name="motcua", title_vi="Hệ thống Một cửa điện tử dùng chung 3 cấp", owner=CITY_OFFICE, order=3,
    access=GatewayEndpoint(
        "/motcua/v1/ho-so", OffsetPages(since_param="TuNgay", until_param="DenNgay", page_param="TrangSo",
                                        size_param="SoLuong", total_key="total"),
        records_key="result", max_page_size=1000, time_style="compact_ict", status=("error_code", "0")),
    tables=(RawTable("motcua_ho_so", HoSo, updated="NgayCapNhat"),),
)

NHIEMVU = System(
    name="nhiemvu", title_vi="Hệ thống theo dõi nhiệm vụ UBND Thành phố giao", owner=CITY_OFFICE, order=4,
    access=GatewayEndpoint(
        "/nhiemvu/v1/nhiem-vu", LinkPages(since_param="since", size_param="per_page", total_header="X-Total-Count"),
        records_key=None, max_page_size=500, time_style="local_seconds"),
    tables=(RawTable("nhiemvu_nhiem_vu", NhiemVu, updated="cap_nhat_luc"),),
)

DONTHU = System(
    name="donthu", title_vi="Hệ thống đơn thư, giải quyết khiếu nại, tố cáo (Thanh tra Thành phố)",
    owner=INSPECTORATE, order=5, access=Database(url_variable="CCHC_DONTHU_DB_URL"),
    tables=(RawTable("donthu_dm_co_quan", CoQuan, updated=None, source_table="dm_co_quan"),
            RawTable("donthu_don_thu", DonThu, updated="updated_at", source_table="don_thu"),
            RawTable("donthu_tiep_cong_dan", TiepCongDan, updated="updated_at", source_table="tiep_cong_dan")),
)

KIEMTRA = System(
    name="kiemtra", title_vi="Sổ theo dõi kiểm tra công tác cải cách hành chính (Sở Nội vụ)",
    owner=HOME_AFFAIRS, order=6, access=Workbooks(dir_variable="CCHC_INSPECTIONS_DIR"),
    after=(DIRECTORY.name,),  # its rows name units: checked against the directory
    tables=tuple(RawTable(f"kiemtra_{name}", model, updated=None, source_table=model.SHEET)
                 for name, model in (("cuoc_kiem_tra", CuocKiemTra), ("kien_nghi", KienNghi),
                                     ("bao_cao_khac_phuc", BaoCaoKhacPhuc))),
)

SYSTEMS: tuple[System, ...] = (DIRECTORY, QLVB, BAOCAO, MOTCUA, NHIEMVU, DONTHU, KIEMTRA)


def raw_tables(systems: tuple[System, ...] = SYSTEMS) -> dict[str, RawTable]:
    """Every raw table of `systems`, by name."""
    return {t.name: t for s in systems for t in s.tables}


def system_of_table(systems: tuple[System, ...] = SYSTEMS) -> dict[str, str]:
    """The system each raw table belongs to."""
    return {t.name: s.name for s in systems for t in s.tables}


def system_named(name: str, systems: tuple[System, ...] = SYSTEMS) -> System:
    for system in systems:
        if system.name == name:
            return system
    raise KeyError(f"no source system named {name!r}; the systems are {', '.join(s.name for s in systems)}")
