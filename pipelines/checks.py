"""Blocking checks on the marts: wrong data is never published.

Each check is a query that returns the offending rows; it passes when there are none. A failing
check shows a sample of what is wrong in the UI, and stops the publishing asset downstream.
"""

from dataclasses import dataclass

import dagster as dg

from pipelines.resources import WRITER_POOL, CitySources


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
    _unique("unresolved_units", "system", "source_value"),
    _unique("source_health", "system"),
    _in_directory("unit_signals_monthly"),
    _in_directory("findings"),
    _in_directory("inspection_priority"),
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
