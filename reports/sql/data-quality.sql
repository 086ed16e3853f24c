-- Data quality (domain.md metric 10), each check with its count and up to five example ids.
-- Anchor: each event's own date; services at offers that are now §82a: the snapshot date.
--   unknown_case                 case events whose case has no ApplicationReceived (a case with
--                                no decision that starts with a ServiceStarted naming the citizen
--                                is a case without application by design, contract §1, and is not
--                                counted; one with a decision is: its decision has no application)
--   unknown_offer                events naming an offer that has no OfferRegistered
--   grant_days_outside_standard  grants and grant changes outside the standard's days per week
--   attendance_outside_service   attendance on a day with no service of the case at that offer
--   service_at_82a_offer         §104 services in effect at an offer that is §82a on the snapshot
--   service_without_citizen      ServiceStarted on a case without application and without citizenId
--   application_before_standard  applications received before the first version of the standard
-- Attendance is most of the events. The projector's summaries (used when they cover --as-of) let
-- the registrations be checked against the service spells in bulk: each case × offer pair by its
-- first and last day (attendance_pairs), then each month of the few pairs that fail
-- (attendance_pair_months), and the days of the few months that fail one by one, taken from the
-- month's day bits; a month with two registrations on a day has its registrations read instead.
-- Only the few registrations that break a rule are given their period.
WITH known_cases AS (
  SELECT municipality, case_id FROM known_applications
  UNION
  SELECT s.municipality, s.case_id FROM known_service_starts s
  ANTI JOIN known_decisions d ON d.municipality = s.municipality AND d.case_id = s.case_id
  WHERE s.citizen_id IS NOT NULL
),
case_events AS (
  -- every case event but attendance
  SELECT municipality, case_id, occurred_on FROM known_application_withdrawals
  UNION ALL SELECT municipality, case_id, occurred_on FROM known_assessments
  UNION ALL SELECT municipality, case_id, occurred_on FROM known_deadline_extensions
  UNION ALL SELECT municipality, case_id, occurred_on FROM known_decisions
  UNION ALL SELECT municipality, case_id, occurred_on FROM known_action_plans
  UNION ALL SELECT municipality, case_id, occurred_on FROM known_service_starts
  UNION ALL SELECT municipality, case_id, occurred_on FROM known_grant_changes
  UNION ALL SELECT municipality, case_id, occurred_on FROM known_follow_ups
  UNION ALL SELECT municipality, case_id, occurred_on FROM known_service_ends
  UNION ALL SELECT municipality, case_id, occurred_on FROM known_complaints
  UNION ALL SELECT municipality, case_id, occurred_on FROM known_complaint_reassessments
  UNION ALL SELECT municipality, case_id, occurred_on FROM known_complaint_forwards
  UNION ALL SELECT municipality, case_id, occurred_on FROM known_appeal_decisions
),
offer_refs AS (
  -- every event naming an offer but attendance
  SELECT municipality, case_id AS example, offer_id, occurred_on FROM known_decisions WHERE offer_id IS NOT NULL
  UNION ALL SELECT municipality, case_id, offer_id, occurred_on FROM known_grant_changes WHERE offer_id IS NOT NULL
  UNION ALL SELECT municipality, case_id, offer_id, occurred_on FROM known_service_starts
  UNION ALL SELECT municipality, case_id, offer_id, occurred_on FROM known_service_ends
  UNION ALL SELECT municipality, offer_id, offer_id, occurred_on FROM known_offer_legal_basis_changes
),
spells AS MATERIALIZED (
  SELECT * FROM service_spells
),
checked_spells AS MATERIALIZED (
  SELECT s.*,
         EXISTS (SELECT 1 FROM known_cases k WHERE k.municipality = s.municipality AND k.case_id = s.case_id) AS case_known,
         EXISTS (SELECT 1 FROM known_offers o WHERE o.municipality = s.municipality AND o.offer_id = s.offer_id) AS offer_known
  FROM spells s
),
suspect_pairs AS (
  -- case × offer pairs whose registrations do not all lie inside one service spell of a known case
  -- at a known offer, judged by their first and last day (a pair's spells are disjoint: at most
  -- one holds both days)
  SELECT a.pair_hash
  FROM (SELECT * FROM attendance_pairs
        WHERE getvariable('attendance_summary') AND known_filter(municipality, last_recorded_at)) a
  LEFT JOIN checked_spells s
    ON s.municipality = a.municipality AND s.case_id = a.case_id AND s.offer_id = a.offer_id
       AND a.first_on >= s.started_on AND a.last_on <= s.ended_on AND s.case_known AND s.offer_known
  WHERE s.case_id IS NULL
),
suspect_months AS MATERIALIZED (
  -- the months of those pairs judged the same way (found by the pair's hash: a collision adds
  -- another pair's months, which are judged like the rest)
  SELECT m.*
  FROM (SELECT municipality, case_id, offer_id, month, min(first_on) AS first_on, max(last_on) AS last_on,
               sum(n) AS n, bit_or(days) AS days
        FROM attendance_pair_months
        WHERE getvariable('attendance_summary') AND known_filter(municipality, last_recorded_at)
          AND pair_hash IN (SELECT pair_hash FROM suspect_pairs)
        GROUP BY ALL) m
  LEFT JOIN checked_spells s
    ON s.municipality = m.municipality AND s.case_id = m.case_id AND s.offer_id = m.offer_id
       AND m.first_on >= s.started_on AND m.last_on <= s.ended_on AND s.case_known AND s.offer_known
  WHERE s.case_id IS NULL
),
unclear_attendance AS (
  SELECT municipality, case_id, offer_id, occurred_on FROM known_attendance WHERE NOT getvariable('attendance_summary')
  UNION ALL
  -- one registration on each day whose bit is set, where the days account for every registration
  SELECT m.municipality, m.case_id, m.offer_id, m.month + CAST(d.d - 1 AS INTEGER)
  FROM suspect_months m, range(1, 32) d(d)
  WHERE m.n = bit_count(m.days) AND (m.days >> CAST(d.d - 1 AS INTEGER)) & 1 = 1
  UNION ALL
  SELECT a.municipality, a.case_id, a.offer_id, a.occurred_on
  FROM known_attendance a
  SEMI JOIN (SELECT * FROM suspect_months WHERE n <> bit_count(days)) m
    ON m.municipality = a.municipality AND m.case_id = a.case_id AND m.offer_id = a.offer_id
       AND a.occurred_on BETWEEN m.first_on AND m.last_on
  WHERE getvariable('attendance_summary')
),
attendance_issues AS (
  -- A registration inside a service spell has a ServiceStarted of its case at its offer, so the
  -- spell says whether case and offer are known; the few outside every spell are looked up.
  SELECT a.municipality, a.case_id, a.offer_id, a.occurred_on,
         s.started_on IS NULL AS outside_service,
         coalesce(s.case_known,
                  EXISTS (SELECT 1 FROM known_cases k WHERE k.municipality = a.municipality AND k.case_id = a.case_id)) AS case_known,
         coalesce(s.offer_known,
                  EXISTS (SELECT 1 FROM known_offers o WHERE o.municipality = a.municipality AND o.offer_id = a.offer_id)) AS offer_known
  FROM unclear_attendance a
  LEFT JOIN checked_spells s
    ON s.municipality = a.municipality AND s.case_id = a.case_id AND s.offer_id = a.offer_id
       AND a.occurred_on BETWEEN s.started_on AND s.ended_on
  WHERE s.started_on IS NULL OR NOT s.case_known OR NOT s.offer_known
),
granted AS MATERIALIZED (
  -- the grants view once, for the grants and for their changes
  SELECT municipality, case_id, decision_id, decided_on, days_per_week, days_min, days_max FROM grants
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
  FROM (SELECT municipality, case_id, occurred_on FROM case_events
        ANTI JOIN known_cases k USING (municipality, case_id)
        UNION ALL
        SELECT municipality, case_id, occurred_on FROM attendance_issues WHERE NOT case_known) e
  JOIN periods p ON in_period(e.occurred_on, p.p_from, p.p_to)
  UNION ALL
  SELECT p.period, 'unknown_offer', r.municipality, r.example
  FROM (SELECT municipality, example, occurred_on FROM offer_refs r
        ANTI JOIN known_offers o ON o.municipality = r.municipality AND o.offer_id = r.offer_id
        UNION ALL
        SELECT municipality, case_id, occurred_on FROM attendance_issues WHERE NOT offer_known) r
  JOIN periods p ON in_period(r.occurred_on, p.p_from, p.p_to)
  UNION ALL
  SELECT p.period, 'grant_days_outside_standard', g.municipality, g.case_id
  FROM (SELECT g.municipality, g.case_id, g.decided_on AS d, g.days_per_week AS days, g.days_min, g.days_max FROM granted g
        UNION ALL
        SELECT c.municipality, c.case_id, c.occurred_on, c.days_per_week, g.days_min, g.days_max
        FROM known_grant_changes c JOIN granted g USING (municipality, case_id, decision_id)
        WHERE c.days_per_week IS NOT NULL) g
  JOIN periods p ON in_period(g.d, p.p_from, p.p_to)
  WHERE g.days NOT BETWEEN g.days_min AND g.days_max
  UNION ALL
  SELECT p.period, 'attendance_outside_service', a.municipality, a.case_id
  FROM attendance_issues a
  JOIN periods p ON in_period(a.occurred_on, p.p_from, p.p_to)
  WHERE a.outside_service
  UNION ALL
  -- in effect on the snapshot, and the latest start at the offer on or before it was §104
  SELECT b.period, 'service_at_82a_offer', s.municipality, s.case_id
  FROM offer_basis b
  JOIN spells s ON s.municipality = b.municipality AND s.offer_id = b.offer_id AND b.snap BETWEEN s.started_on AND s.ended_on
  JOIN known_service_starts x ON x.municipality = s.municipality AND x.case_id = s.case_id AND x.offer_id = s.offer_id AND x.occurred_on <= b.snap
  WHERE b.basis = 'SEL82a'
  GROUP BY b.period, s.municipality, s.case_id, s.offer_id, s.started_on
  HAVING arg_max(x.legal_basis, (x.occurred_on, x.recorded_at, x.event_id)) = 'SEL104'
  UNION ALL
  SELECT p.period, 'service_without_citizen', s.municipality, s.case_id
  FROM known_service_starts s JOIN periods p ON in_period(s.occurred_on, p.p_from, p.p_to)
  ANTI JOIN case_applications a ON a.municipality = s.municipality AND a.case_id = s.case_id
  WHERE s.citizen_id IS NULL
  UNION ALL
  SELECT p.period, 'application_before_standard', a.municipality, a.case_id
  FROM case_applications a JOIN periods p ON in_period(a.received_on, p.p_from, p.p_to)
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
