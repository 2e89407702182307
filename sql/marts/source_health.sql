-- One row per source system: last successful sync, records held now (latest versions, tombstones
-- included), records currently rejected, and the last error when the latest attempt failed.
WITH systems(system, sort_order) AS (
    VALUES ('qlvb', 1), ('baocao', 2), ('motcua', 3), ('nhiemvu', 4), ('donthu', 5)
), held AS (
    SELECT 'qlvb' AS system, count(*) AS n FROM raw.qlvb_van_ban
    UNION ALL SELECT 'baocao', count(*) FROM raw.baocao_ky_bao_cao
    UNION ALL SELECT 'motcua', count(*) FROM raw.motcua_ho_so
    UNION ALL SELECT 'nhiemvu', count(*) FROM raw.nhiemvu_nhiem_vu
    UNION ALL SELECT 'donthu', (SELECT count(*) FROM raw.donthu_don_thu) + (SELECT count(*) FROM raw.donthu_tiep_cong_dan)
                               + (SELECT count(*) FROM raw.donthu_dm_co_quan)
), rejected AS (
    SELECT system, count(*) AS n FROM meta.rejects GROUP BY system
), latest_attempt AS (
    SELECT system, arg_max(error, finished_at) AS error, arg_max(ok, finished_at) AS ok, max(finished_at) AS at
    FROM meta.sync_log GROUP BY system
)
SELECT s.system,
       CAST(timezone('Asia/Ho_Chi_Minh', st.last_success_at) AS TIMESTAMP) AS last_success_at,
       CAST(coalesce(h.n, 0) AS BIGINT) AS records_loaded,
       CAST(coalesce(r.n, 0) AS BIGINT) AS records_rejected,
       CAST(timezone('Asia/Ho_Chi_Minh', a.at) AS TIMESTAMP) AS last_attempt_at,
       CASE WHEN NOT a.ok THEN a.error END AS last_error
FROM systems s
LEFT JOIN meta.sync_state st ON st.system = s.system
LEFT JOIN held h ON h.system = s.system
LEFT JOIN rejected r ON r.system = s.system
LEFT JOIN latest_attempt a ON a.system = s.system
ORDER BY s.sort_order
