-- Days per week of the grants in effect on the snapshot date (domain.md metric 3) by offer:
-- the grant's offer, or the latest GrantChanged offer dated on or before the snapshot. Every
-- offer with a grant in effect in any period gets all five rows.
WITH in_effect AS MATERIALIZED (SELECT period, municipality, offer_id, days_per_week, decision_id FROM grants_in_effect),
offers_in_use AS (SELECT DISTINCT municipality, offer_id FROM in_effect)
SELECT p.period, o.municipality, o.offer_id AS offerId, d.days AS daysPerWeek, count(g.decision_id) AS grants
FROM periods p
CROSS JOIN offers_in_use o
CROSS JOIN range(1, 6) AS d(days)
LEFT JOIN in_effect g
  ON g.period IS NOT DISTINCT FROM p.period AND g.municipality = o.municipality AND g.offer_id = o.offer_id AND g.days_per_week = d.days
GROUP BY ALL
ORDER BY o.municipality, o.offer_id, p.period, daysPerWeek;
