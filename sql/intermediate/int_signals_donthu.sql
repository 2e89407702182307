-- Populations of the petition signals, one row per (petition, signal), by the month of the deadline.
-- DONTHU_XU_LY_DON_DUNG_HAN: every live petition whose handling deadline (the 10th working day after the day
-- received, that day not counted: Circular 05/2021/TT-TTCP, Civil Code 2015 Art. 147) ended before the as-of
-- date, attributed to the receiving agency; counted = classified and routed on or before that deadline.
-- DONTHU_GIAI_QUYET_DUNG_HAN: accepted complaints and denunciations (not withdrawn) whose legal deadline
-- (day accepted + N calendar days, N by the Law on Complaints 2011 / Law on Denunciations 2018, moved to the
-- next working day when it ends on a day off: Civil Code 2015 Art. 148(5)) ended before the as-of date,
-- attributed to the resolving agency (co_quan_giai_quyet_id, else the receiving agency); counted = resolution
-- issued on or before that deadline. Working days come from intermediate.int_working_days (a deadline past its
-- last day is after the as-of date anyway). Agencies resolve through intermediate.int_agency_units; a
-- petition whose agency does not resolve is left out.
-- materialized: view  (read once by the marts: only the columns and rows they use are computed)
WITH petitions AS (
    SELECT p.*,
           coalesce('Đơn số ' || nullif(trim(p.so_vao_so), '') || ' (mã ' || CAST(p.id AS VARCHAR) || ')',
                    'Đơn mã ' || CAST(p.id AS VARCHAR)) AS label,
           -- Law on Complaints 2011 art. 28 and 37, Law on Denunciations 2018 art. 30
           CASE WHEN p.loai_don = 'TO_CAO' THEN 30 + 30 * p.so_lan_gia_han
                WHEN p.lan_giai_quyet = 2 AND p.vung_kho_khan THEN CASE WHEN p.phuc_tap THEN 70 ELSE 60 END
                WHEN p.lan_giai_quyet = 2 THEN CASE WHEN p.phuc_tap THEN 60 ELSE 45 END
                WHEN p.vung_kho_khan THEN CASE WHEN p.phuc_tap THEN 60 ELSE 45 END
                ELSE CASE WHEN p.phuc_tap THEN 45 ELSE 30 END END::INTEGER AS legal_days
    FROM staging.stg_donthu_petitions p
), deadlines AS (
    SELECT p.*,
           handled_by.day AS handling_deadline,
           CAST(p.ngay_thu_ly + p.legal_days AS DATE) AS legal_end,  -- the N calendar days' last day
           legal_end.on_or_next_working_day AS legal_deadline,
           legal_end.reason_vi AS legal_end_reason
    FROM petitions p
    LEFT JOIN intermediate.int_working_days received ON received.day = p.ngay_nhan
    LEFT JOIN intermediate.int_working_days handled_by
           ON handled_by.working_day AND handled_by.working_index = received.working_index + 10
    LEFT JOIN intermediate.int_working_days legal_end ON legal_end.day = p.ngay_thu_ly + p.legal_days
), handling AS (
    SELECT a.unit_code, p.id, p.handling_deadline AS event_date,
           p.ngay_xu_ly_don IS NOT NULL AND p.ngay_xu_ly_don <= p.handling_deadline AS counted,
           p.label || ', hạn xử lý: ngày làm việc thứ 10 sau ngày nhận ' || vn_date(p.ngay_nhan) || ' là '
               || vn_date(p.handling_deadline) || ', '
               || CASE WHEN p.ngay_xu_ly_don IS NULL
                       THEN 'đến ngày ' || vn_date(as_of()) || ' chưa xử lý (quá hạn '
                            || date_diff('day', p.handling_deadline, as_of()) || ' ngày)'
                       WHEN p.ngay_xu_ly_don <= p.handling_deadline
                       THEN 'đã xử lý ngày ' || vn_date(p.ngay_xu_ly_don) || ' (đúng hạn)'
                       ELSE 'đã xử lý ngày ' || vn_date(p.ngay_xu_ly_don) || ' (trễ '
                            || date_diff('day', p.handling_deadline, p.ngay_xu_ly_don) || ' ngày)' END
               || '.' AS detail_vi
    FROM deadlines p
    JOIN intermediate.int_agency_units a ON a.agency_id = p.co_quan_tiep_nhan_id
    WHERE a.unit_code IS NOT NULL
      AND p.handling_deadline < as_of()
), cases AS (
    SELECT a.unit_code, p.id, p.legal_deadline AS event_date,
           p.ngay_giai_quyet IS NOT NULL AND p.ngay_giai_quyet <= p.legal_deadline AS counted,
           'Vụ việc '
               || CASE WHEN p.loai_don = 'TO_CAO'
                       THEN 'tố cáo' || CASE WHEN p.so_lan_gia_han > 0
                                            THEN ' (gia hạn ' || p.so_lan_gia_han || ' lần)' ELSE '' END
                       ELSE 'khiếu nại lần ' || coalesce(p.lan_giai_quyet, 1)
                            || CASE WHEN p.phuc_tap AND p.vung_kho_khan THEN ' (phức tạp, vùng khó khăn)'
                                    WHEN p.phuc_tap THEN ' (phức tạp)'
                                    WHEN p.vung_kho_khan THEN ' (vùng khó khăn)' ELSE '' END END
               || ' mã ' || CAST(p.id AS VARCHAR) || coalesce(' (đơn số ' || nullif(trim(p.so_vao_so), '') || ')', '')
               || ' thụ lý ngày ' || vn_date(p.ngay_thu_ly) || ', thời hạn giải quyết ' || p.legal_days
               || ' ngày đến ' || vn_date(p.legal_end)
               || CASE WHEN p.legal_deadline <> p.legal_end
                       THEN ' là ngày nghỉ (' || p.legal_end_reason || ') nên hạn là ngày làm việc tiếp theo '
                            || vn_date(p.legal_deadline)
                       ELSE '' END || ', '
               || CASE WHEN p.ngay_giai_quyet IS NULL
                       THEN 'đến ngày ' || vn_date(as_of()) || ' chưa giải quyết (quá hạn '
                            || date_diff('day', p.legal_deadline, as_of()) || ' ngày)'
                       WHEN p.ngay_giai_quyet <= p.legal_deadline
                       THEN 'đã giải quyết ngày ' || vn_date(p.ngay_giai_quyet) || ' (đúng hạn)'
                       ELSE 'đã giải quyết ngày ' || vn_date(p.ngay_giai_quyet) || ' (trễ '
                            || date_diff('day', p.legal_deadline, p.ngay_giai_quyet) || ' ngày)' END
               || '.' AS detail_vi
    FROM deadlines p
    JOIN intermediate.int_agency_units a ON a.agency_id = p.resolving_agency_id
    WHERE a.unit_code IS NOT NULL
      AND p.ngay_thu_ly IS NOT NULL
      AND p.loai_don IN ('KHIEU_NAI', 'TO_CAO')
      AND p.trang_thai <> 'RUT_DON'
      AND p.legal_deadline < as_of()
), signals AS (
    SELECT 'DONTHU_XU_LY_DON_DUNG_HAN' AS signal_code, * FROM handling
    UNION ALL
    SELECT 'DONTHU_GIAI_QUYET_DUNG_HAN', * FROM cases
)
SELECT CAST(signal_code AS VARCHAR) AS signal_code, CAST('donthu' AS VARCHAR) AS system,
       CAST(unit_code AS VARCHAR) AS unit_code, month_of(event_date) AS period,
       CAST(id AS VARCHAR) AS source_record_id, CAST(event_date AS DATE) AS event_date,
       CAST(counted AS BOOLEAN) AS counted, CAST(detail_vi AS VARCHAR) AS detail_vi
FROM signals
WHERE event_date <= as_of()
