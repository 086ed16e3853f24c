-- The case list behind the eligibility report (domain.md metric 8: "each is a count and a case list").
SELECT p.period, x.municipality, x.rule, x.case_id AS caseId, x.decision_id AS decisionId, x.decided_on AS decidedOn
FROM eligibility_exceptions x
JOIN periods p ON in_period(x.decided_on, p.p_from, p.p_to)
SEMI JOIN report_municipalities m ON m.municipality = x.municipality
ORDER BY x.municipality, p.period, x.rule, decidedOn, caseId, decisionId;
