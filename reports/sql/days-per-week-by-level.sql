-- Days per week of the grants in effect on the snapshot date (domain.md metric 3) by VUM function
-- level: the latest AssessmentCompleted of the case dated on or before the snapshot (null: none).
WITH leveled AS (
  SELECT g.period, g.municipality, g.decision_id, g.days_per_week, l.function_level AS level
  FROM grants_in_effect g
  LEFT JOIN function_level_spells l
    ON l.municipality = g.municipality AND l.case_id = g.case_id AND g.snap BETWEEN l.assessed_from AND l.assessed_to
),
levels AS (
  SELECT m.municipality, l.level FROM report_municipalities m CROSS JOIN range(0, 5) AS l(level)
  UNION ALL
  SELECT DISTINCT municipality, NULL FROM leveled WHERE level IS NULL
)
SELECT p.period, v.municipality, v.level AS functionLevel, d.days AS daysPerWeek, count(g.decision_id) AS grants
FROM periods p
CROSS JOIN levels v
CROSS JOIN range(1, 6) AS d(days)
LEFT JOIN leveled g
  ON g.period IS NOT DISTINCT FROM p.period AND g.municipality = v.municipality
     AND g.level IS NOT DISTINCT FROM v.level AND g.days_per_week = d.days
GROUP BY ALL
ORDER BY v.municipality, p.period, functionLevel NULLS LAST, daysPerWeek;
