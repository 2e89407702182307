-- Populations of the task signals, one row per (task, signal): tasks not DUNG_THUC_HIEN whose effective
-- deadline (the extension agreed last, else the original deadline) ended before the as-of date, by the
-- lead unit named in don_vi_chu_tri and the month of that deadline. NHIEMVU_DUNG_HAN counts tasks
-- completed on or before the deadline; NHIEMVU_QUA_HAN_TON counts tasks with no completion date.
-- Tasks with no deadline at all, or whose lead unit does not resolve, are left out.
-- materialized: view  (read once by the marts: only the columns and rows they use are computed)
WITH due AS (
    SELECT t.ma_nhiem_vu, u.unit_code, t.effective_deadline AS event_date,
           t.ngay_hoan_thanh IS NOT NULL AS finished,
           t.ngay_hoan_thanh IS NOT NULL AND t.ngay_hoan_thanh <= t.effective_deadline AS on_time,
           'Nhiệm vụ ' || t.ma_nhiem_vu
               -- one sentence: a subject typed over several lines is read out on one
               || coalesce(' "' || nullif(trim(regexp_replace(t.trich_yeu, '\s+', ' ', 'g')), '') || '"', '')
               || ' (giao ngày ' || vn_date(t.ngay_giao) || ') hạn ' || vn_date(t.effective_deadline)
               || CASE WHEN t.extensions > 0 THEN ' sau ' || t.extensions || ' lần gia hạn' ELSE '' END || ', '
               || CASE WHEN t.ngay_hoan_thanh IS NULL
                       THEN 'đến ngày ' || vn_date(as_of()) || ' chưa hoàn thành (quá hạn '
                            || date_diff('day', t.effective_deadline, as_of()) || ' ngày)'
                       WHEN t.ngay_hoan_thanh <= t.effective_deadline
                       THEN 'hoàn thành ngày ' || vn_date(t.ngay_hoan_thanh) || ' (đúng hạn)'
                       ELSE 'hoàn thành ngày ' || vn_date(t.ngay_hoan_thanh) || ' (trễ '
                            || date_diff('day', t.effective_deadline, t.ngay_hoan_thanh) || ' ngày)' END
               || '.' AS detail_vi
    FROM staging.stg_nhiemvu_tasks t
    JOIN intermediate.int_task_units u ON u.raw_name = t.don_vi_chu_tri
    WHERE u.unit_code IS NOT NULL
      AND t.tinh_trang <> 'DUNG_THUC_HIEN'
      AND t.effective_deadline IS NOT NULL
      AND t.effective_deadline < as_of()
), signals AS (
    SELECT 'NHIEMVU_DUNG_HAN' AS signal_code, unit_code, ma_nhiem_vu, event_date, on_time AS counted, detail_vi
    FROM due
    UNION ALL
    SELECT 'NHIEMVU_QUA_HAN_TON', unit_code, ma_nhiem_vu, event_date, NOT finished, detail_vi FROM due
)
SELECT CAST(signal_code AS VARCHAR) AS signal_code, CAST('nhiemvu' AS VARCHAR) AS system,
       CAST(unit_code AS VARCHAR) AS unit_code, month_of(event_date) AS period,
       CAST(ma_nhiem_vu AS VARCHAR) AS source_record_id, CAST(event_date AS DATE) AS event_date,
       CAST(counted AS BOOLEAN) AS counted, CAST(detail_vi AS VARCHAR) AS detail_vi
FROM signals
WHERE event_date <= as_of()
