-- Processing-time curve (domain.md metric 2), the revision evidence: for w = 1…52, of the
-- decided applications (as in metric 1: first decision in the period, withdrawn left out), how
-- many were decided within w weeks (days ≤ 7w).
WITH decided AS (
  SELECT p.period, a.municipality, d.decided_on - a.received_on AS days
  FROM case_versions a
  JOIN first_decisions d USING (municipality, case_id)
  JOIN periods p ON in_period(d.decided_on, p.p_from, p.p_to)
  WHERE NOT EXISTS (SELECT 1 FROM known_application_withdrawals w WHERE w.municipality = a.municipality AND w.case_id = a.case_id)
),
totals AS (
  SELECT p.period, m.municipality, count(d.days) AS decided, list(d.days) FILTER (WHERE d.days IS NOT NULL) AS days
  FROM periods p CROSS JOIN report_municipalities m
  LEFT JOIN decided d ON d.period IS NOT DISTINCT FROM p.period AND d.municipality = m.municipality
  GROUP BY ALL
)
SELECT t.period, t.municipality, w.weeks,
       t.decided,
       len(list_filter(coalesce(t.days, []), x -> x <= 7 * w.weeks)) AS decidedWithin,
       pct(len(list_filter(coalesce(t.days, []), x -> x <= 7 * w.weeks)), t.decided) AS sharePct
FROM totals t CROSS JOIN range(1, 53) AS w(weeks)
ORDER BY t.municipality, t.period, w.weeks;
