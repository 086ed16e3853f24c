-- §104 → §82a migrations (domain.md metric 6). Anchor: the effective date D of an
-- OfferLegalBasisChanged to §82a. The cohort is the cases whose §104 service at the offer was in
-- effect on D − 1. Each member falls in the first class that fits: continuedUnder82a (a §82a
-- ServiceStarted at the offer for the citizen in [D, D+90]), movedTo104 (a §104 ServiceStarted at
-- another offer in [D, D+90]), stillRecordedAs104 (the §104 service at the offer never ended),
-- ended. Gap days = next start − last §104 service day − 1; the last §104 day is the service's
-- end at the offer, or D − 1 when no end was recorded.
WITH changes AS (
  SELECT DISTINCT c.municipality, c.offer_id, c.occurred_on AS d
  FROM known_offer_legal_basis_changes c
  JOIN periods p ON in_period(c.occurred_on, p.p_from, p.p_to)
  WHERE c.to_basis = 'SEL82a'
),
members AS (
  SELECT DISTINCT ch.municipality, ch.offer_id, ch.d, s.case_id
  FROM changes ch
  JOIN known_service_starts s
    ON s.municipality = ch.municipality AND s.offer_id = ch.offer_id AND s.legal_basis = 'SEL104' AND s.occurred_on <= ch.d - 1
  WHERE service_in_effect(ch.municipality, s.case_id, ch.offer_id, ch.d - 1)
),
starts AS (
  SELECT s.municipality, coalesce(cc.citizen_id, s.case_id) AS who, s.offer_id, s.legal_basis, s.occurred_on
  FROM known_service_starts s LEFT JOIN case_citizens cc USING (municipality, case_id)
),
traced AS (
  SELECT m.*,
    (SELECT min(e.occurred_on) FROM known_service_ends e
      WHERE e.municipality = m.municipality AND e.case_id = m.case_id AND e.offer_id = m.offer_id AND e.occurred_on >= m.d - 1) AS last_104_day,
    (SELECT min(s.occurred_on) FROM starts s
      WHERE s.municipality = m.municipality AND s.who = coalesce(cc.citizen_id, m.case_id) AND s.offer_id = m.offer_id
        AND s.legal_basis = 'SEL82a' AND s.occurred_on BETWEEN m.d AND m.d + 90) AS next_82a,
    (SELECT min(s.occurred_on) FROM starts s
      WHERE s.municipality = m.municipality AND s.who = coalesce(cc.citizen_id, m.case_id) AND s.offer_id <> m.offer_id
        AND s.legal_basis = 'SEL104' AND s.occurred_on BETWEEN m.d AND m.d + 90) AS next_104
  FROM members m LEFT JOIN case_citizens cc USING (municipality, case_id)
),
classified AS (
  SELECT *,
    CASE WHEN next_82a IS NOT NULL THEN 'continuedUnder82a'
         WHEN next_104 IS NOT NULL THEN 'movedTo104'
         WHEN last_104_day IS NULL THEN 'stillRecordedAs104'
         ELSE 'ended' END AS class,
    coalesce(next_82a, next_104) - coalesce(last_104_day, d - 1) - 1 AS gap_days
  FROM traced
)
SELECT p.period, ch.municipality, ch.offer_id AS offerId, ch.d AS effectiveDate,
       count(c.case_id) AS cohort,
       count(*) FILTER (WHERE c.class = 'continuedUnder82a') AS continuedUnder82a,
       count(*) FILTER (WHERE c.class = 'movedTo104') AS movedTo104,
       count(*) FILTER (WHERE c.class = 'ended') AS ended,
       count(*) FILTER (WHERE c.class = 'stillRecordedAs104') AS stillRecordedAs104,
       nearest_rank(coalesce(list(c.gap_days) FILTER (WHERE c.class IN ('continuedUnder82a', 'movedTo104')), []), 1, 2) AS medianGapDays,
       -- a §82a decision cannot be appealed: every member who continued under §82a lost the route
       count(*) FILTER (WHERE c.class = 'continuedUnder82a') AS lostAppealRoute
FROM changes ch
JOIN periods p ON in_period(ch.d, p.p_from, p.p_to)
SEMI JOIN report_municipalities m ON m.municipality = ch.municipality
LEFT JOIN classified c ON c.municipality = ch.municipality AND c.offer_id = ch.offer_id AND c.d = ch.d
GROUP BY ALL
ORDER BY ch.municipality, effectiveDate, offerId;
