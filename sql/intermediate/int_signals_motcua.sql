-- Populations of the one-stop-shop signals (Decision 766/QĐ-TTg), one row per (dossier, signal):
-- MOTCUA_DUNG_HAN (finished dossiers by local end date; counted = ended no later than the appointment),
-- MOTCUA_TRUC_TUYEN, MOTCUA_THANH_TOAN_TRUC_TUYEN (fee-bearing only), MOTCUA_SO_HOA (received dossiers by
-- local receipt date) and MOTCUA_TRE_HAN_KHONG_XIN_LOI (late dossiers by local appointment date;
-- counted = no apology sent no later than the appointment).
-- materialized: view  (read once by the marts: only the columns and rows they use are computed)
WITH dossiers AS (
    SELECT d.*, u.unit_code,
           'Hồ sơ ' || d.ma_ho_so || coalesce(' (' || d.ten_tthc || ')', '') AS label,
           CASE d.trang_thai WHEN '1' THEN 'mới đăng ký' WHEN '2' THEN 'đã tiếp nhận' WHEN '3' THEN 'từ chối tiếp nhận'
                WHEN '4' THEN 'đang xử lý' WHEN '5' THEN 'yêu cầu bổ sung' WHEN '6' THEN 'chờ thực hiện nghĩa vụ tài chính'
                WHEN '7' THEN 'đã rút hồ sơ' WHEN '8' THEN 'dừng xử lý' WHEN '9' THEN 'đã xử lý xong'
                WHEN '10' THEN 'đã trả kết quả' ELSE d.trang_thai END AS status_vi
    FROM staging.stg_motcua_dossiers d
    JOIN staging.stg_units u ON u.unit_code = d.ma_don_vi
), finished AS (
    SELECT 'MOTCUA_DUNG_HAN' AS signal_code, unit_code, ma_ho_so, ngay_ket_thuc_date AS event_date,
           ngay_ket_thuc <= ngay_hen_tra AS counted,
           label || ' hẹn trả ' || vn_time(ngay_hen_tra) || ', kết thúc xử lý ' || vn_time(ngay_ket_thuc) || ': '
               || CASE WHEN ngay_ket_thuc <= ngay_hen_tra THEN 'đúng hẹn' ELSE 'trễ hẹn' END || '.' AS detail_vi
    FROM dossiers
    WHERE is_finished
), received AS (
    SELECT *, label || ' tiếp nhận lúc ' || vn_time(ngay_tiep_nhan) AS received_vi
    FROM dossiers
    WHERE is_received
), online AS (
    SELECT 'MOTCUA_TRUC_TUYEN' AS signal_code, unit_code, ma_ho_so, ngay_tiep_nhan_date AS event_date,
           kenh = '2' AS counted,
           received_vi || ', nộp ' || CASE kenh WHEN '2' THEN 'trực tuyến' WHEN '1' THEN 'trực tiếp'
                                               WHEN '3' THEN 'qua dịch vụ bưu chính công ích'
                                               ELSE 'qua kênh ' || kenh END || '.' AS detail_vi
    FROM received
), paid AS (
    SELECT 'MOTCUA_THANH_TOAN_TRUC_TUYEN' AS signal_code, unit_code, ma_ho_so, ngay_tiep_nhan_date AS event_date,
           thanh_toan IN ('1', '2') AS counted,
           received_vi || ', có phí, lệ phí: '
               || CASE thanh_toan WHEN '1' THEN 'đã thanh toán trực tuyến qua Cổng Dịch vụ công quốc gia'
                                  WHEN '2' THEN 'đã thanh toán trực tuyến qua cổng thanh toán của Thành phố'
                                  ELSE 'không thanh toán trực tuyến' END || '.' AS detail_vi
    FROM received
    WHERE is_fee_bearing
), digitised AS (
    SELECT 'MOTCUA_SO_HOA' AS signal_code, unit_code, ma_ho_so, ngay_tiep_nhan_date AS event_date,
           so_hoa = '1' AS counted,
           received_vi || ', thành phần hồ sơ '
               || CASE WHEN so_hoa = '1' THEN 'đã được số hóa' ELSE 'chưa được số hóa' END || '.' AS detail_vi
    FROM received
), late AS (
    SELECT 'MOTCUA_TRE_HAN_KHONG_XIN_LOI' AS signal_code, unit_code, ma_ho_so, ngay_hen_tra_date AS event_date,
           NOT apology_in_time AS counted,
           label || ' hẹn trả ' || vn_time(ngay_hen_tra) || ', '
               || CASE WHEN is_finished THEN 'kết thúc xử lý ' || vn_time(ngay_ket_thuc)
                       ELSE 'đến ngày ' || vn_date(as_of()) || ' chưa ghi nhận kết thúc xử lý (trạng thái: '
                            || status_vi || ')' END
               || ': trễ hẹn, '
               || CASE WHEN apology_in_time THEN 'có phiếu xin lỗi và hẹn lại gửi trước hoặc đúng thời điểm hẹn trả'
                       WHEN apologies = 0 THEN 'không có phiếu xin lỗi và hẹn lại'
                       ELSE 'không có phiếu xin lỗi và hẹn lại nào gửi trước hoặc đúng thời điểm hẹn trả' END
               || '.' AS detail_vi
    FROM received
    WHERE ngay_hen_tra IS NOT NULL AND trang_thai NOT IN ('7', '8')
      AND ((is_finished AND ngay_ket_thuc > ngay_hen_tra)
           OR (NOT is_finished AND ngay_hen_tra < local_midnight(as_of())))
), signals AS (
    SELECT * FROM finished
    UNION ALL SELECT * FROM online
    UNION ALL SELECT * FROM paid
    UNION ALL SELECT * FROM digitised
    UNION ALL SELECT * FROM late
)
SELECT CAST(signal_code AS VARCHAR) AS signal_code, CAST('motcua' AS VARCHAR) AS system,
       CAST(unit_code AS VARCHAR) AS unit_code, month_of(event_date) AS period,
       CAST(ma_ho_so AS VARCHAR) AS source_record_id, CAST(event_date AS DATE) AS event_date,
       CAST(counted AS BOOLEAN) AS counted, CAST(detail_vi AS VARCHAR) AS detail_vi
FROM signals
WHERE event_date <= as_of()
