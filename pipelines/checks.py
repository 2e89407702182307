"""Checks. On the marts, blocking: wrong data is never published. On the raw assets, a warning:
a source whose last sync rejected many records.

Each marts check is a query that returns the offending rows; it passes when there are none. A failing
check shows a sample of what is wrong in the UI, and stops the publishing asset downstream.

Each raw asset carries a `reject_rate` check (declared with the asset, evaluated by its sync in the
same step, so in the same `duckdb_writer` pool): the share of the records the last sync fetched that
failed validation (`meta.sync_state`: rejected / fetched). Above `REJECT_RATE_WARN` it fails with
severity WARN; it never has severity ERROR and never blocks, because rejected records never stop a
run (they wait in `meta.rejects`, the valid ones are merged).
"""

from dataclasses import dataclass

import dagster as dg
import duckdb

from pipelines.resources import WRITER_POOL, CitySources
from sources import System

REJECT_RATE_WARN = 0.01
"""Above 1 % of the records fetched by a system's last sync rejected, its `reject_rate` check warns: the
simulated city rejects about 0.1 % (malformed records), so a higher share means the source changed its
formats or code lists: read its reasons in the state file (`SELECT * FROM meta.rejects WHERE system = ...`)."""


@dataclass(frozen=True)
class MartCheck:
    table: str
    name: str
    description: str
    sql: str


def _unique(table: str, *columns: str) -> MartCheck:
    cols = ", ".join(columns)
    return MartCheck(table, "key_unique", f"({cols}) is unique in marts.{table}.",
                     f"SELECT {cols}, count(*) AS copies FROM marts.{table} GROUP BY ALL HAVING count(*) > 1")


def _in_directory(table: str) -> MartCheck:
    return MartCheck(table, "units_in_directory", f"Every unit_code of marts.{table} is in the directory.",
                     f"SELECT DISTINCT unit_code FROM marts.{table} WHERE unit_code NOT IN (SELECT unit_code FROM marts.units)")


CHECKS = (
    _unique("units", "unit_code"),
    _unique("signal_catalog", "signal_code"),
    _unique("unit_signals_monthly", "unit_code", "period", "signal_code"),
    _unique("findings", "signal_code", "source_record_id"),
    _unique("unit_signals_pooled", "unit_code", "signal_code"),
    _unique("inspection_priority", "unit_code"),
    _unique("priority_signals", "unit_code", "signal_code"),
    _unique("priority_history", "as_of_month", "unit_code"),
    _unique("priority_history_signals", "as_of_month", "unit_code", "signal_code"),
    _unique("unresolved_units", "system", "source_value"),
    _unique("source_health", "system"),
    _unique("inspections", "inspection_id"),
    _unique("recommendations", "recommendation_id"),
    _unique("remediation", "recommendation_id"),
    _unique("unit_signals_yearly", "unit_code", "signal_code", "year"),
    _in_directory("unit_signals_monthly"),
    _in_directory("findings"),
    _in_directory("inspection_priority"),
    _in_directory("priority_signals"),
    _in_directory("priority_history"),
    _in_directory("inspections"),
    MartCheck("remediation", "one_row_per_recommendation_with_a_signal",
              "marts.remediation holds exactly the recommendations that name a signal.",
              "SELECT recommendation_id, signal_code FROM marts.recommendations WHERE signal_code IS NOT NULL "
              "AND recommendation_id NOT IN (SELECT recommendation_id FROM marts.remediation) "
              "UNION ALL SELECT recommendation_id, signal_code FROM marts.remediation "
              "WHERE recommendation_id NOT IN (SELECT recommendation_id FROM marts.recommendations "
              "WHERE signal_code IS NOT NULL)"),
    MartCheck("unit_signals_monthly", "ratios_within_0_1", "Every ratio value lies in [0, 1].",
              "SELECT m.* FROM marts.unit_signals_monthly m JOIN marts.signal_catalog c USING (signal_code) "
              "WHERE c.kind = 'ratio' AND NOT (m.value BETWEEN 0 AND 1 AND m.denominator > 0)"),
    MartCheck("findings", "identity_with_monthly",
              "For every (unit, period, signal): findings = denominator − numerator (ratio), = numerator (count), "
              "none for days signals; and no findings without a monthly row.",
              """WITH found AS (
                     SELECT unit_code, period, signal_code, count(*) AS n FROM marts.findings GROUP BY ALL
                 ), expected AS (
                     SELECT m.unit_code, m.period, m.signal_code,
                            CASE c.kind WHEN 'ratio' THEN m.denominator - m.numerator
                                        WHEN 'count' THEN m.numerator ELSE 0 END AS n
                     FROM marts.unit_signals_monthly m JOIN marts.signal_catalog c USING (signal_code)
                 )
                 SELECT unit_code, period, signal_code, e.n AS expected, coalesce(f.n, 0) AS found
                 FROM expected e FULL JOIN found f USING (unit_code, period, signal_code)
                 WHERE coalesce(e.n, -1) <> coalesce(f.n, 0)"""),
    MartCheck("inspection_priority", "ranks_1_to_n", "Ranks run 1..n without gaps or ties.",
              "SELECT rank, expected FROM (SELECT rank, row_number() OVER (ORDER BY rank) AS expected "
              "FROM marts.inspection_priority) WHERE rank <> expected"),
    MartCheck("priority_history", "ranks_1_to_n_each_month", "At each month-end, ranks run 1..n without gaps "
              "or ties.", "SELECT as_of_month, rank, expected FROM (SELECT as_of_month, rank, row_number() OVER "
              "(PARTITION BY as_of_month ORDER BY rank) AS expected FROM marts.priority_history) WHERE rank <> expected"),
    MartCheck("priority_signals", "contributions_add_up_to_the_score",
              "Each unit's signals are those its score counts, and their contributions add up to the score "
              "(rounded to 2 decimals).",
              "SELECT p.unit_code, p.risk_score, p.signals_evaluated, s.signals, s.total FROM marts.inspection_priority p "
              "FULL JOIN (SELECT unit_code, count(*) AS signals, sum(contribution) AS total FROM marts.priority_signals "
              "GROUP BY unit_code) s USING (unit_code) WHERE p.signals_evaluated IS DISTINCT FROM s.signals "
              "OR abs(p.risk_score - s.total) > 0.005 + 1e-9"),
    MartCheck("priority_history_signals", "contributions_add_up_to_the_score",
              "At each month-end, each unit's signals are those its score counted, and their contributions add up "
              "to its score then (rounded to 2 decimals).",
              "SELECT as_of_month, unit_code, h.risk_score, h.signals_evaluated, s.signals, s.total "
              "FROM marts.priority_history h FULL JOIN (SELECT as_of_month, unit_code, count(*) AS signals, "
              "sum(contribution) AS total FROM marts.priority_history_signals GROUP BY ALL) s "
              "USING (as_of_month, unit_code) WHERE h.signals_evaluated IS DISTINCT FROM s.signals "
              "OR abs(h.risk_score - s.total) > 0.005 + 1e-9"),
)


def mart_check(check: MartCheck) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=dg.AssetKey(["marts", check.table]), name=check.name, blocking=True,
                    description=check.description, pool=WRITER_POOL)
    def _check(city: CitySources) -> dg.AssetCheckResult:
        with city.state() as state:
            rel = state.con.sql(check.sql)
            columns, offending = rel.columns, rel.fetchall()
        sample = "\n".join(" | ".join(str(v) for v in row) for row in offending[:10])
        return dg.AssetCheckResult(
            passed=not offending, severity=dg.AssetCheckSeverity.ERROR,
            metadata={"offending_rows": dg.MetadataValue.int(len(offending)),
                      "sample": dg.MetadataValue.md(f"`{' | '.join(columns)}`\n\n```\n{sample}\n```" if offending else "none")})

    return _check


MART_CHECKS = [mart_check(c) for c in CHECKS]


def reject_rate_spec(system: System) -> dg.AssetCheckSpec:
    """The reject-rate check of a system's raw asset (non-blocking)."""
    return dg.AssetCheckSpec(
        "reject_rate", asset=dg.AssetKey(["raw", system.name]), blocking=False,
        metadata={"threshold": dg.MetadataValue.float(REJECT_RATE_WARN)},
        description=f"The last sync of {system.name} rejected at most {REJECT_RATE_WARN:.0%} of the records it "
                    "fetched (meta.sync_state: rejected / fetched). Above that it warns; rejects never stop a run.")


def reject_rate_result(con: duckdb.DuckDBPyConnection, system: System) -> dg.AssetCheckResult:
    """Evaluate a system's reject-rate check on the state file's `meta.sync_state`."""
    found = con.execute("SELECT fetched, rejected FROM meta.sync_state WHERE system = ?", [system.name]).fetchall()
    fetched, rejected = (int(found[0][0] or 0), int(found[0][1] or 0)) if found else (0, 0)
    rate = rejected / fetched if fetched else 0.0
    return dg.AssetCheckResult(
        asset_key=dg.AssetKey(["raw", system.name]), check_name="reject_rate",
        passed=rate <= REJECT_RATE_WARN, severity=dg.AssetCheckSeverity.WARN,
        description=None if rate <= REJECT_RATE_WARN else
        f"{rejected:,} of {fetched:,} records rejected ({rate:.2%}, above {REJECT_RATE_WARN:.0%}): their reasons "
        f"are in meta.rejects of the state file (system = '{system.name}')",
        metadata={"fetched": dg.MetadataValue.int(fetched), "rejected": dg.MetadataValue.int(rejected),
                  "reject_rate": dg.MetadataValue.float(round(rate, 6)),
                  "threshold": dg.MetadataValue.float(REJECT_RATE_WARN),
                  "synced": dg.MetadataValue.bool(bool(found))})
