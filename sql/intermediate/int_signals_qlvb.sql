-- Populations of the document-management signals, one row per (document, signal): QLVB_DI_KY_SO
-- (outgoing documents by local issue date; counted = electronic and digitally signed), QLVB_DEN_DUNG_HAN
-- (incoming documents whose handling deadline ended before the as-of date; counted = finished on a
-- local date no later than the deadline) and QLVB_DEN_QUA_HAN_TON (same population; counted = not finished).
-- materialized: view  (read once by the marts: only the columns and rows they use are computed)
WITH docs AS (
    SELECT d.*, u.unit_code,
           'Văn bản ' || CASE d.chieu WHEN 'DI' THEN 'đi' ELSE 'đến' END
               || coalesce(' số ' || d.so_ky_hieu, '') || ' (mã ' || d.id || ')' AS label
    FROM staging.stg_qlvb_documents d
    JOIN staging.stg_units u ON u.unit_code = d.ma_don_vi
), outgoing AS (
    SELECT 'QLVB_DI_KY_SO' AS signal_code, unit_code, id, thoi_diem_date AS event_date,
           hinh_thuc = 'DIEN_TU' AND ky_so AS counted,
           label || ' ban hành ngày ' || vn_date(thoi_diem_date) || ' '
               || CASE WHEN hinh_thuc <> 'DIEN_TU' THEN 'dưới dạng văn bản giấy'
                       WHEN ky_so THEN 'dưới dạng điện tử, có chữ ký số'
                       ELSE 'dưới dạng điện tử nhưng không có chữ ký số' END || '.' AS detail_vi
    FROM docs
    WHERE chieu = 'DI'
), incoming AS (
    SELECT unit_code, id, han_xu_ly AS event_date, ngay_hoan_thanh IS NOT NULL AS finished,
           ngay_hoan_thanh IS NOT NULL AND ngay_hoan_thanh_date <= han_xu_ly AS on_time,
           label || ' có hạn xử lý ' || vn_date(han_xu_ly) || ', '
               || CASE WHEN ngay_hoan_thanh IS NULL
                       THEN 'đến ngày ' || vn_date(as_of()) || ' chưa hoàn thành xử lý (quá hạn '
                            || date_diff('day', han_xu_ly, as_of()) || ' ngày)'
                       WHEN ngay_hoan_thanh_date <= han_xu_ly
                       THEN 'hoàn thành ngày ' || vn_date(ngay_hoan_thanh_date) || ' (đúng hạn)'
                       ELSE 'hoàn thành ngày ' || vn_date(ngay_hoan_thanh_date) || ' (trễ '
                            || date_diff('day', han_xu_ly, ngay_hoan_thanh_date) || ' ngày)' END || '.' AS detail_vi
    FROM docs
    WHERE chieu = 'DEN' AND han_xu_ly IS NOT NULL AND han_xu_ly < as_of()
), signals AS (
    SELECT * FROM outgoing
    UNION ALL
    SELECT 'QLVB_DEN_DUNG_HAN', unit_code, id, event_date, on_time, detail_vi FROM incoming
    UNION ALL
    SELECT 'QLVB_DEN_QUA_HAN_TON', unit_code, id, event_date, NOT finished, detail_vi FROM incoming
)
SELECT CAST(signal_code AS VARCHAR) AS signal_code, CAST('qlvb' AS VARCHAR) AS system,
       CAST(unit_code AS VARCHAR) AS unit_code, month_of(event_date) AS period,
       CAST(id AS VARCHAR) AS source_record_id, CAST(event_date AS DATE) AS event_date,
       CAST(counted AS BOOLEAN) AS counted, CAST(detail_vi AS VARCHAR) AS detail_vi
FROM signals
WHERE event_date <= as_of()
