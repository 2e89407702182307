-- One row per source system (as declared, in their order): last successful sync, records held now
-- (latest versions, tombstones included), records currently rejected, the last error when the latest
-- attempt failed, the last weekly reconcile, and where the records come from (the source identity kept with
-- the cursor).
WITH rejected AS (
    SELECT system, count(*) AS n FROM meta.rejects GROUP BY system
), latest_attempt AS (
    SELECT system, arg_max(error, finished_at) AS error, arg_max(ok, finished_at) AS ok, max(finished_at) AS at
    FROM meta.sync_log GROUP BY system
)
SELECT s.system,
       CAST(timezone('Asia/Ho_Chi_Minh', st.last_success_at) AS TIMESTAMP) AS last_success_at,
       CAST(coalesce(st.held, 0) AS BIGINT) AS records_loaded,
       CAST(coalesce(r.n, 0) AS BIGINT) AS records_rejected,
       CAST(timezone('Asia/Ho_Chi_Minh', a.at) AS TIMESTAMP) AS last_attempt_at,
       CAST(timezone('Asia/Ho_Chi_Minh', st.last_reconcile_at) AS TIMESTAMP) AS last_reconcile_at,
       CASE WHEN NOT a.ok THEN a.error END AS last_error,
       st.source_identity,
       st.source_identity LIKE 'simulated city%' AS simulated,
       s.title_vi,
       s.sort_order
FROM meta.systems s
LEFT JOIN meta.sync_state st ON st.system = s.system
LEFT JOIN rejected r ON r.system = s.system
LEFT JOIN latest_attempt a ON a.system = s.system
WHERE s.in_source_health
ORDER BY s.sort_order, s.system
