"""The signals of spec/signals.md, declared once each, in the spec's order (the catalog's and the pages').

A threshold, a Vietnamese text or a legal basis changes here and nowhere else: `marts.signal_catalog`, the days
signal's required days in SQL, the register's drop-down, the pages and the docs' tables follow
(`./dev docs` rewrites the tables; tests/test_signal_catalog.py fails while they differ, and
tests/test_signal_names.py when a code or a threshold is written by hand elsewhere). A new signal is an entry
here and its population in `sql/intermediate/int_signals_<system>.sql`.
"""

from __future__ import annotations

from models.signals.declaration import ByUnitType, Signal, days_required_vi

HEAD_RECEPTION_DAYS = ByUnitType((("UBND_XA", 4), ("UBND_HUYEN", 2), ("SO", 1), ("UBND_TP", 1)))
"""Law on Citizen Reception 2013 (Art. 18–20): the days a month the head of each type of unit receives
citizens in person (a commune once a week); units of other types are outside the signal."""

QLVB_DI_KY_SO = Signal(
    code="QLVB_DI_KY_SO", kind="ratio", threshold=0.95,
    unit_of_measure_vi="văn bản", name_vi="Tỷ lệ văn bản đi được ký số",
    description_vi=(
        "Tỷ lệ văn bản đi (không mật, không bị xóa) được phát hành dưới dạng điện tử và có chữ ký số, theo "
        "tháng ban hành."),
    legal_basis="Quyết định 942/QĐ-TTg năm 2021; Nghị định 30/2020/NĐ-CP về công tác văn thư",
    computation_vi="văn bản đi phát hành điện tử và có ký số / tổng văn bản đi, theo tháng ban hành",
    evidence_vi="văn bản đi giấy hoặc điện tử không ký số",
)

QLVB_DEN_DUNG_HAN = Signal(
    code="QLVB_DEN_DUNG_HAN", kind="ratio", threshold=0.95,
    unit_of_measure_vi="văn bản", name_vi="Tỷ lệ văn bản đến xử lý đúng hạn",
    description_vi=(
        "Trong các văn bản đến đã hết hạn xử lý, tỷ lệ văn bản hoàn thành xử lý trong hoặc đúng ngày hạn, "
        "theo tháng của hạn xử lý."),
    legal_basis="Nghị định 30/2020/NĐ-CP về công tác văn thư; Quy chế làm việc của UBND Thành phố",
    computation_vi=(
        "văn bản đến đã hết hạn xử lý mà hoàn thành trong hoặc đúng ngày hạn / tổng văn bản đến đã hết hạn,"
        " theo tháng của hạn"),
    evidence_vi="văn bản hoàn thành trễ hoặc chưa hoàn thành",
)

QLVB_DEN_QUA_HAN_TON = Signal(
    code="QLVB_DEN_QUA_HAN_TON", kind="count", threshold=0.0,
    unit_of_measure_vi="văn bản", name_vi="Số văn bản đến quá hạn chưa xử lý",
    description_vi=(
        "Số văn bản đến đã hết hạn xử lý mà đến ngày đánh giá vẫn chưa hoàn thành xử lý, theo tháng của hạn"
        " xử lý."),
    legal_basis="Nghị định 30/2020/NĐ-CP về công tác văn thư",
    computation_vi="số văn bản đến đã hết hạn mà chưa hoàn thành",
    evidence_vi="từng văn bản tồn",
)

BAOCAO_NOP_DUNG_HAN = Signal(
    code="BAOCAO_NOP_DUNG_HAN", kind="ratio", threshold=1.0,
    unit_of_measure_vi="báo cáo", name_vi="Tỷ lệ báo cáo nộp đúng hạn",
    description_vi=(
        "Trong các nghĩa vụ báo cáo đã hết hạn nộp, tỷ lệ báo cáo được nộp lần đầu trước hoặc đúng thời "
        "hạn, theo tháng của hạn nộp."),
    legal_basis="Nghị định 09/2019/NĐ-CP quy định chế độ báo cáo của cơ quan hành chính nhà nước",
    computation_vi=(
        "báo cáo nộp lần đầu trước hoặc đúng thời hạn / tổng báo cáo đã hết hạn, theo tháng của hạn nộp"),
    evidence_vi="báo cáo nộp trễ hoặc chưa nộp",
)

BAOCAO_CHUA_NOP = Signal(
    code="BAOCAO_CHUA_NOP", kind="count", threshold=0.0,
    unit_of_measure_vi="báo cáo", name_vi="Số báo cáo quá hạn chưa nộp",
    description_vi="Số nghĩa vụ báo cáo đã hết hạn nộp mà đơn vị chưa nộp lần nào, theo tháng của hạn nộp.",
    legal_basis="Nghị định 09/2019/NĐ-CP quy định chế độ báo cáo của cơ quan hành chính nhà nước",
    computation_vi="số báo cáo đã hết hạn mà chưa nộp lần nào",
    evidence_vi="từng báo cáo chưa nộp",
)

MOTCUA_DUNG_HAN = Signal(
    code="MOTCUA_DUNG_HAN", kind="ratio", threshold=0.95,
    unit_of_measure_vi="hồ sơ", name_vi="Tỷ lệ hồ sơ giải quyết đúng hạn",
    description_vi=(
        "Trong các hồ sơ thủ tục hành chính đã giải quyết xong, tỷ lệ hồ sơ kết thúc xử lý trước hoặc đúng "
        "thời điểm hẹn trả, theo tháng kết thúc xử lý."),
    legal_basis=(
        "Quyết định 766/QĐ-TTg năm 2022 (Bộ chỉ số phục vụ người dân, doanh nghiệp); Nghị định "
        "61/2018/NĐ-CP"),
    computation_vi=(
        "hồ sơ kết thúc xử lý trước hoặc đúng thời điểm hẹn trả / tổng hồ sơ đã giải quyết xong (trạng thái"
        " 9, 10), theo tháng kết thúc"),
    evidence_vi="hồ sơ trễ hẹn",
)

MOTCUA_TRUC_TUYEN = Signal(
    code="MOTCUA_TRUC_TUYEN", kind="ratio", threshold=0.5,
    unit_of_measure_vi="hồ sơ", name_vi="Tỷ lệ hồ sơ nộp trực tuyến",
    description_vi="Trong các hồ sơ đã tiếp nhận, tỷ lệ hồ sơ nộp qua kênh trực tuyến, theo tháng tiếp nhận.",
    legal_basis="Quyết định 766/QĐ-TTg năm 2022 (Bộ chỉ số phục vụ người dân, doanh nghiệp)",
    computation_vi=(
        "hồ sơ nộp trực tuyến / tổng hồ sơ đã tiếp nhận (trừ trạng thái 1, 3), theo tháng tiếp nhận"),
    evidence_vi="hồ sơ nộp trực tiếp, qua bưu chính",
)

MOTCUA_THANH_TOAN_TRUC_TUYEN = Signal(
    code="MOTCUA_THANH_TOAN_TRUC_TUYEN", kind="ratio", threshold=0.5,
    unit_of_measure_vi="hồ sơ", name_vi="Tỷ lệ hồ sơ thanh toán trực tuyến",
    description_vi=(
        "Trong các hồ sơ đã tiếp nhận có phí, lệ phí, tỷ lệ hồ sơ được thanh toán trực tuyến (qua Cổng Dịch"
        " vụ công quốc gia hoặc cổng thanh toán của Thành phố), theo tháng tiếp nhận."),
    legal_basis="Quyết định 766/QĐ-TTg năm 2022 (Bộ chỉ số phục vụ người dân, doanh nghiệp)",
    computation_vi="hồ sơ có phí, lệ phí được thanh toán trực tuyến / tổng hồ sơ có phí, lệ phí",
    evidence_vi="hồ sơ có phí không thanh toán trực tuyến",
)

MOTCUA_SO_HOA = Signal(
    code="MOTCUA_SO_HOA", kind="ratio", threshold=0.8,
    unit_of_measure_vi="hồ sơ", name_vi="Tỷ lệ hồ sơ được số hóa",
    description_vi=(
        "Trong các hồ sơ đã tiếp nhận, tỷ lệ hồ sơ có thành phần hồ sơ được số hóa, theo tháng tiếp nhận."),
    legal_basis=(
        "Quyết định 766/QĐ-TTg năm 2022; Nghị định 45/2020/NĐ-CP về thực hiện thủ tục hành chính trên môi "
        "trường điện tử"),
    computation_vi="hồ sơ có thành phần được số hóa / tổng hồ sơ đã tiếp nhận",
    evidence_vi="hồ sơ chưa số hóa",
)

MOTCUA_TRE_HAN_KHONG_XIN_LOI = Signal(
    code="MOTCUA_TRE_HAN_KHONG_XIN_LOI", kind="count", threshold=0.0,
    unit_of_measure_vi="hồ sơ", name_vi="Số hồ sơ trễ hạn không có phiếu xin lỗi kịp thời",
    description_vi=(
        "Số hồ sơ trễ hẹn (kết thúc xử lý sau thời điểm hẹn trả, hoặc chưa kết thúc khi đã quá hẹn) mà "
        "không có phiếu xin lỗi và hẹn lại gửi trước hoặc đúng thời điểm hẹn trả, theo tháng hẹn trả."),
    legal_basis=(
        "Nghị định 61/2018/NĐ-CP (Điều 19: xin lỗi và hẹn lại ngày trả kết quả); Quyết định 766/QĐ-TTg năm "
        "2022"),
    computation_vi=(
        "số hồ sơ trễ hẹn (kết thúc sau hẹn, hoặc quá hẹn mà chưa kết thúc) không có phiếu xin lỗi gửi "
        "trước hoặc đúng thời điểm hẹn trả, theo tháng hẹn trả"),
    evidence_vi="từng hồ sơ",
)

NHIEMVU_DUNG_HAN = Signal(
    code="NHIEMVU_DUNG_HAN", kind="ratio", threshold=0.95,
    unit_of_measure_vi="nhiệm vụ", name_vi="Tỷ lệ nhiệm vụ UBND Thành phố giao hoàn thành đúng hạn",
    description_vi=(
        "Trong các nhiệm vụ (không bị dừng thực hiện) đã hết hạn (kể cả hạn đã được gia hạn), tỷ lệ nhiệm "
        "vụ hoàn thành trước hoặc đúng hạn, theo tháng của hạn."),
    legal_basis="Quy chế làm việc của UBND Thành phố; Kế hoạch 61/KH-UBND năm 2023 (mục II.2.2)",
    computation_vi=(
        "nhiệm vụ hoàn thành trước hoặc đúng hạn (hạn sau gia hạn gần nhất) / tổng nhiệm vụ đã hết hạn (trừ"
        " nhiệm vụ dừng thực hiện), theo tháng của hạn"),
    evidence_vi="nhiệm vụ trễ hoặc chưa hoàn thành",
)

NHIEMVU_QUA_HAN_TON = Signal(
    code="NHIEMVU_QUA_HAN_TON", kind="count", threshold=0.0,
    unit_of_measure_vi="nhiệm vụ", name_vi="Số nhiệm vụ quá hạn chưa hoàn thành",
    description_vi=(
        "Số nhiệm vụ đã hết hạn (kể cả hạn đã được gia hạn) mà đến ngày đánh giá chưa hoàn thành, theo "
        "tháng của hạn."),
    legal_basis="Quy chế làm việc của UBND Thành phố",
    computation_vi="số nhiệm vụ đã hết hạn mà chưa hoàn thành",
    evidence_vi="từng nhiệm vụ",
)

DONTHU_XU_LY_DON_DUNG_HAN = Signal(
    code="DONTHU_XU_LY_DON_DUNG_HAN", kind="ratio", threshold=0.95,
    unit_of_measure_vi="đơn", name_vi="Tỷ lệ đơn được xử lý đúng hạn",
    description_vi=(
        "Trong các đơn đã hết hạn xử lý (10 ngày làm việc kể từ ngày nhận, không tính ngày nhận), tỷ lệ đơn"
        " được phân loại, xử lý trong hạn, theo tháng của hạn xử lý."),
    legal_basis="Luật Khiếu nại 2011; Luật Tố cáo 2018; Thông tư 05/2021/TT-TTCP về xử lý đơn",
    computation_vi=(
        "đơn được phân loại, xử lý trong 10 ngày làm việc kể từ ngày nhận (hạn là ngày làm việc thứ 10 sau "
        "ngày nhận, không tính ngày nhận; Thông tư 05/2021/TT-TTCP) / tổng đơn đã hết hạn xử lý, theo tháng"
        " của hạn"),
    evidence_vi="đơn xử lý trễ hoặc chưa xử lý",
)

DONTHU_GIAI_QUYET_DUNG_HAN = Signal(
    code="DONTHU_GIAI_QUYET_DUNG_HAN", kind="ratio", threshold=0.95,
    unit_of_measure_vi="vụ việc", name_vi="Tỷ lệ vụ việc khiếu nại, tố cáo giải quyết đúng hạn",
    description_vi=(
        "Trong các vụ việc khiếu nại, tố cáo đã thụ lý (không rút đơn) đã hết thời hạn giải quyết theo luật"
        " (ngày cuối là ngày nghỉ thì hạn là ngày làm việc tiếp theo), tỷ lệ vụ việc có quyết định giải "
        "quyết hoặc kết luận trong hạn, theo tháng của thời hạn."),
    legal_basis="Luật Khiếu nại 2011 (Điều 28, 37); Luật Tố cáo 2018 (Điều 30)",
    computation_vi=(
        "vụ việc khiếu nại, tố cáo đã thụ lý có quyết định/kết luận trong thời hạn luật định / tổng vụ việc"
        " đã hết hạn (trừ rút đơn). Khiếu nại lần đầu 30 ngày (phức tạp 45; vùng khó khăn 45, phức tạp 60);"
        " lần hai 45 ngày (phức tạp 60; vùng khó khăn 60, phức tạp 70); tố cáo 30 ngày, mỗi lần gia hạn "
        "thêm 30 ngày; ngày cuối của thời hạn là ngày nghỉ thì hạn là ngày làm việc tiếp theo (Bộ luật Dân "
        "sự 2015, khoản 5 Điều 148)"),
    evidence_vi="vụ việc giải quyết trễ hoặc chưa giải quyết",
)

DONTHU_TIEP_DAN_THU_TRUONG = Signal(
    code="DONTHU_TIEP_DAN_THU_TRUONG", kind="days", threshold=HEAD_RECEPTION_DAYS,
    unit_of_measure_vi="ngày", name_vi="Số ngày người đứng đầu tiếp công dân trong tháng",
    description_vi=("Số ngày trong tháng người đứng đầu cơ quan trực tiếp chủ trì tiếp công dân; yêu cầu tối thiểu: "
                    f"{days_required_vi(HEAD_RECEPTION_DAYS)}."),
    legal_basis="Luật Tiếp công dân 2013 (Điều 18, 19, 20)",
    computation_vi=(
        "số ngày trong tháng người đứng đầu trực tiếp chủ trì tiếp công dân (các tháng đã kết thúc, đơn vị "
        "hoạt động trọn tháng)"),
    evidence_vi="— (xem số ngày theo tháng)",
)


SIGNALS: tuple[Signal, ...] = (
    QLVB_DI_KY_SO, QLVB_DEN_DUNG_HAN, QLVB_DEN_QUA_HAN_TON, BAOCAO_NOP_DUNG_HAN, BAOCAO_CHUA_NOP, MOTCUA_DUNG_HAN,
    MOTCUA_TRUC_TUYEN, MOTCUA_THANH_TOAN_TRUC_TUYEN, MOTCUA_SO_HOA, MOTCUA_TRE_HAN_KHONG_XIN_LOI, NHIEMVU_DUNG_HAN,
    NHIEMVU_QUA_HAN_TON, DONTHU_XU_LY_DON_DUNG_HAN, DONTHU_GIAI_QUYET_DUNG_HAN, DONTHU_TIEP_DAN_THU_TRUONG,
)

SIGNAL_CODES: tuple[str, ...] = tuple(s.code for s in SIGNALS)


def signal_named(code: str, signals: tuple[Signal, ...] = SIGNALS) -> Signal:
    for signal in signals:
        if signal.code == code:
            return signal
    raise KeyError(f"no signal {code!r} in the catalog (models/signals/catalog.py)")
