-- Populations of the reporting signals, one row per (obligation, signal): obligations whose deadline
-- instant `han_nop` fell before the as-of date began (local midnight), by the local date of `han_nop`.
-- BAOCAO_NOP_DUNG_HAN counts a first submission at or before the deadline instant; BAOCAO_CHUA_NOP
-- counts obligations never submitted.
-- materialized: view  (read once by the marts: only the columns and rows they use are computed)
WITH due AS (
    SELECT o.id, u.unit_code, o.han_nop_date AS event_date,
           o.nop_lan_dau_luc IS NOT NULL AS submitted,
           o.nop_lan_dau_luc IS NOT NULL AND o.nop_lan_dau_luc <= o.han_nop AS on_time,
           'Báo cáo "' || coalesce(o.ten_bao_cao, o.ma_bao_cao) || '" (mã ' || CAST(o.id AS VARCHAR) || ') kỳ '
               || o.ky_bao_cao || ' hạn nộp ' || vn_time(o.han_nop) || ', '
               || CASE WHEN o.nop_lan_dau_luc IS NULL
                       THEN 'đến ngày ' || vn_date(as_of()) || ' chưa nộp'
                       WHEN o.nop_lan_dau_luc <= o.han_nop
                       THEN 'nộp lần đầu lúc ' || vn_time(o.nop_lan_dau_luc) || ' (đúng hạn)'
                       ELSE 'nộp lần đầu lúc ' || vn_time(o.nop_lan_dau_luc) || ' (trễ hạn)' END || '.' AS detail_vi
    FROM staging.stg_baocao_obligations o
    JOIN staging.stg_units u ON u.unit_code = o.ma_don_vi
    WHERE o.han_nop < local_midnight(as_of())
), signals AS (
    SELECT 'BAOCAO_NOP_DUNG_HAN' AS signal_code, unit_code, id, event_date, on_time AS counted, detail_vi FROM due
    UNION ALL
    SELECT 'BAOCAO_CHUA_NOP', unit_code, id, event_date, NOT submitted, detail_vi FROM due
)
SELECT CAST(signal_code AS VARCHAR) AS signal_code, CAST('baocao' AS VARCHAR) AS system,
       CAST(unit_code AS VARCHAR) AS unit_code, month_of(event_date) AS period,
       CAST(id AS VARCHAR) AS source_record_id, CAST(event_date AS DATE) AS event_date,
       CAST(counted AS BOOLEAN) AS counted, CAST(detail_vi AS VARCHAR) AS detail_vi
FROM signals
WHERE event_date <= as_of()
