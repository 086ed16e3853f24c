-- Days per week of the grants in effect on the snapshot date (domain.md metric 3) by offer and VUM
-- function level together: the offer as in days-per-week-by-offer, the level as in
-- days-per-week-by-level (null: no assessment on or before the snapshot). Every offer × level with
-- a grant in effect in any period gets all five rows.
WITH in_effect AS MATERIALIZED (
  SELECT g.period, g.municipality, g.offer_id, l.function_level AS level, g.days_per_week, g.decision_id
  FROM grants_in_effect g
  LEFT JOIN function_level_spells l
    ON l.municipality = g.municipality AND l.case_id = g.case_id AND g.snap BETWEEN l.assessed_from AND l.assessed_to
),
combinations AS (SELECT DISTINCT municipality, offer_id, level FROM in_effect)
SELECT p.period, o.municipality, o.offer_id AS offerId, o.level AS functionLevel, d.days AS daysPerWeek, count(g.decision_id) AS grants
FROM periods p
CROSS JOIN combinations o
CROSS JOIN range(1, 6) AS d(days)
LEFT JOIN in_effect g
  ON g.period IS NOT DISTINCT FROM p.period AND g.municipality = o.municipality AND g.offer_id = o.offer_id
     AND g.level IS NOT DISTINCT FROM o.level AND g.days_per_week = d.days
GROUP BY ALL
ORDER BY o.municipality, o.offer_id, p.period, functionLevel NULLS LAST, daysPerWeek;
