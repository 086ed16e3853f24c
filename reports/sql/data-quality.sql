-- Data quality (domain.md metric 10), each check with its count and up to five example ids.
-- Anchor: each event's own date; services at offers that are now §82a: the snapshot date.
--   unknown_case                 case events whose case has no ApplicationReceived (a case that
--                                starts with a ServiceStarted naming the citizen is a case without
--                                application by design, contract §1, and is not counted)
--   unknown_offer                events naming an offer that has no OfferRegistered
--   grant_days_outside_standard  grants and grant changes outside the standard's days per week
--   attendance_outside_service   attendance on a day with no service of the case at that offer
--   service_at_82a_offer         §104 services in effect at an offer that is §82a on the snapshot
--   service_without_citizen      ServiceStarted on a case without application and without citizenId
--   application_before_standard  applications received before the first version of the standard
WITH case_events AS (
  SELECT municipality, case_id, occurred_on FROM known_application_withdrawals
  UNION ALL SELECT municipality, case_id, occurred_on FROM known_assessments
  UNION ALL SELECT municipality, case_id, occurred_on FROM known_deadline_extensions
  UNION ALL SELECT municipality, case_id, occurred_on FROM known_decisions
  UNION ALL SELECT municipality, case_id, occurred_on FROM known_action_plans
  UNION ALL SELECT municipality, case_id, occurred_on FROM known_service_starts
  UNION ALL SELECT municipality, case_id, occurred_on FROM known_grant_changes
  UNION ALL SELECT municipality, case_id, occurred_on FROM known_attendance
  UNION ALL SELECT municipality, case_id, occurred_on FROM known_follow_ups
  UNION ALL SELECT municipality, case_id, occurred_on FROM known_service_ends
  UNION ALL SELECT municipality, case_id, occurred_on FROM known_complaints
  UNION ALL SELECT municipality, case_id, occurred_on FROM known_complaint_reassessments
  UNION ALL SELECT municipality, case_id, occurred_on FROM known_complaint_forwards
  UNION ALL SELECT municipality, case_id, occurred_on FROM known_appeal_decisions
),
cases_without_application AS (
  SELECT DISTINCT municipality, case_id FROM known_service_starts WHERE citizen_id IS NOT NULL
),
offer_refs AS (
  SELECT municipality, case_id AS example, offer_id, occurred_on FROM known_decisions WHERE offer_id IS NOT NULL
  UNION ALL SELECT municipality, case_id, offer_id, occurred_on FROM known_grant_changes WHERE offer_id IS NOT NULL
  UNION ALL SELECT municipality, case_id, offer_id, occurred_on FROM known_service_starts
  UNION ALL SELECT municipality, case_id, offer_id, occurred_on FROM known_service_ends
  UNION ALL SELECT municipality, case_id, offer_id, occurred_on FROM known_attendance
  UNION ALL SELECT municipality, offer_id, offer_id, occurred_on FROM known_offer_legal_basis_changes
),
service_spells AS (
  -- Per case and offer, each start with the first end there dated on or after it.
  SELECT s.municipality, s.case_id, s.offer_id,
         list({started_on: s.occurred_on, ended_on: (
           SELECT min(e.occurred_on) FROM known_service_ends e
           WHERE e.municipality = s.municipality AND e.case_id = s.case_id AND e.offer_id = s.offer_id
             AND e.occurred_on >= s.occurred_on)}) AS spells
  FROM known_service_starts s
  GROUP BY ALL
),
offer_basis AS (
  SELECT p.period, p.snap, o.municipality, o.offer_id,
         arg_max(o.basis, (o.occurred_on, o.recorded_at, o.event_id)) AS basis
  FROM (SELECT municipality, offer_id, legal_basis AS basis, occurred_on, recorded_at, event_id FROM known_offers
        UNION ALL
        SELECT municipality, offer_id, to_basis, occurred_on, recorded_at, event_id FROM known_offer_legal_basis_changes) o
  JOIN periods p ON o.occurred_on <= p.snap
  GROUP BY ALL
),
findings AS (
  SELECT p.period, 'unknown_case' AS check_name, e.municipality, e.case_id AS example
  FROM case_events e JOIN periods p ON e.occurred_on BETWEEN p.p_from AND p.p_to
  ANTI JOIN case_applications a ON a.municipality = e.municipality AND a.case_id = e.case_id
  ANTI JOIN cases_without_application w ON w.municipality = e.municipality AND w.case_id = e.case_id
  UNION ALL
  SELECT p.period, 'unknown_offer', r.municipality, r.example
  FROM offer_refs r JOIN periods p ON r.occurred_on BETWEEN p.p_from AND p.p_to
  ANTI JOIN known_offers o ON o.municipality = r.municipality AND o.offer_id = r.offer_id
  UNION ALL
  SELECT p.period, 'grant_days_outside_standard', g.municipality, g.case_id
  FROM (SELECT g.municipality, g.case_id, g.decided_on AS d, g.days_per_week AS days, g.days_min, g.days_max FROM grants g
        UNION ALL
        SELECT c.municipality, c.case_id, c.occurred_on, c.days_per_week, g.days_min, g.days_max
        FROM known_grant_changes c JOIN grants g USING (municipality, case_id, decision_id)
        WHERE c.days_per_week IS NOT NULL) g
  JOIN periods p ON g.d BETWEEN p.p_from AND p.p_to
  WHERE g.days NOT BETWEEN g.days_min AND g.days_max
  UNION ALL
  -- The same rule as service_in_effect, set-based: a day is inside when some start at the offer
  -- on or before it has no end at the offer between that start and the day before it.
  SELECT p.period, 'attendance_outside_service', a.municipality, a.case_id
  FROM known_attendance a
  JOIN periods p ON a.occurred_on BETWEEN p.p_from AND p.p_to
  LEFT JOIN service_spells s USING (municipality, case_id, offer_id)
  WHERE s.spells IS NULL
     OR NOT list_bool_or(list_transform(s.spells, x -> x.started_on <= a.occurred_on AND (x.ended_on IS NULL OR x.ended_on >= a.occurred_on)))
  UNION ALL
  SELECT b.period, 'service_at_82a_offer', s.municipality, s.case_id
  FROM offer_basis b
  JOIN (SELECT DISTINCT municipality, case_id, offer_id FROM known_service_starts WHERE legal_basis = 'SEL104') s
    ON s.municipality = b.municipality AND s.offer_id = b.offer_id
  WHERE b.basis = 'SEL82a' AND service_in_effect(s.municipality, s.case_id, s.offer_id, b.snap)
    AND (SELECT arg_max(x.legal_basis, (x.occurred_on, x.recorded_at, x.event_id)) FROM known_service_starts x
          WHERE x.municipality = s.municipality AND x.case_id = s.case_id AND x.offer_id = s.offer_id AND x.occurred_on <= b.snap) = 'SEL104'
  UNION ALL
  SELECT p.period, 'service_without_citizen', s.municipality, s.case_id
  FROM known_service_starts s JOIN periods p ON s.occurred_on BETWEEN p.p_from AND p.p_to
  ANTI JOIN case_applications a ON a.municipality = s.municipality AND a.case_id = s.case_id
  WHERE s.citizen_id IS NULL
  UNION ALL
  SELECT p.period, 'application_before_standard', a.municipality, a.case_id
  FROM case_applications a JOIN periods p ON a.received_on BETWEEN p.p_from AND p.p_to
  WHERE a.received_on < (SELECT min(v.effective_from) FROM standard_versions v WHERE v.municipality = a.municipality)
),
checks(n, check_name) AS (
  VALUES (1, 'unknown_case'), (2, 'unknown_offer'), (3, 'grant_days_outside_standard'), (4, 'attendance_outside_service'),
         (5, 'service_at_82a_offer'), (6, 'service_without_citizen'), (7, 'application_before_standard')
)
SELECT p.period, m.municipality, c.check_name AS "check",
       count(f.example) AS count,
       coalesce(list_slice(list(DISTINCT f.example ORDER BY f.example) FILTER (WHERE f.example IS NOT NULL), 1, 5), []) AS examples
FROM periods p
CROSS JOIN report_municipalities m
CROSS JOIN checks c
LEFT JOIN findings f ON f.period IS NOT DISTINCT FROM p.period AND f.municipality = m.municipality AND f.check_name = c.check_name
GROUP BY p.period, p.p_from, m.municipality, c.n, c.check_name
ORDER BY m.municipality, p.p_from, c.n;
