-- Eligibility and rule exceptions (domain.md metric 8): grants decided in the period that break
-- each rule, five rows per municipality (a rule the standard lacks counts 0).
-- The case list is the report eligibility-cases.
SELECT p.period, m.municipality, r.rule, count(x.decision_id) AS grants
FROM periods p
CROSS JOIN report_municipalities m
CROSS JOIN (VALUES (1, 'under_18'), (2, 'over_pension_age'), (3, 'below_function_level'), (4, 'no_action_plan'), (5, 'provider_not_approved')) AS r(n, rule)
LEFT JOIN eligibility_exceptions x
  ON x.municipality = m.municipality AND x.rule = r.rule AND x.decided_on BETWEEN p.p_from AND p.p_to
GROUP BY p.period, p.p_from, m.municipality, r.n, r.rule
ORDER BY m.municipality, p.p_from, r.n;
