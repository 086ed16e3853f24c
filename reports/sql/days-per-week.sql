-- Days per week of the grants in effect on the snapshot date (domain.md metric 3), 1–5 with zeros.
SELECT p.period, m.municipality, d.days AS daysPerWeek, count(g.decision_id) AS grants
FROM periods p
CROSS JOIN report_municipalities m
CROSS JOIN range(1, 6) AS d(days)
LEFT JOIN grants_in_effect g
  ON g.period IS NOT DISTINCT FROM p.period AND g.municipality = m.municipality AND g.days_per_week = d.days
GROUP BY ALL
ORDER BY m.municipality, p.period, daysPerWeek;
