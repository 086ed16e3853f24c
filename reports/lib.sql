-- Shared definitions for every report (domain.md, "Metric definitions").
-- Run once per connection by reports/session.ts. Every view reads the projection tables through
-- the known_* views, which keep only events recorded at or before getvariable('as_of') and of
-- getvariable('municipality') when one is chosen: that is how --as-of and --municipality reach
-- every metric, snapshot metrics included. The runner fills two temp tables before each run:
--   standard_versions: one row per version of every loaded standard (contract §2)
--   periods(period, p_from, p_to, snap): the period filter on anchor dates and the snapshot date

-- Percentages with one decimal, rounded half up in integer arithmetic; null when d = 0.
CREATE OR REPLACE TEMP MACRO pct(n, d) AS
  CASE WHEN d IS NULL OR d = 0 THEN NULL ELSE ((2000 * CAST(n AS HUGEINT) + d) // (2 * d)) / 10.0 END;

-- Nearest rank: the value at rank ceil(q * n) of the sorted values, q = num / den.
CREATE OR REPLACE TEMP MACRO nearest_rank(xs, num, den) AS
  CASE WHEN len(xs) = 0 THEN NULL ELSE list_sort(xs)[(len(xs) * num + den - 1) // den] END;

CREATE OR REPLACE TEMP MACRO add_months(d, m) AS CAST(d + to_months(CAST(m AS INTEGER)) AS DATE);

-- Age is counted in completed years from the first day of the birth month (domain.md).
CREATE OR REPLACE TEMP MACRO birth_day(birth_month) AS CAST(birth_month || '-01' AS DATE);

-- Folkepensionsalder in months by birth date (lov om social pension §1a, domain.md).
CREATE OR REPLACE TEMP MACRO pension_age_months(born) AS CASE
  WHEN born < DATE '1954-01-01' THEN 65 * 12
  WHEN born < DATE '1954-07-01' THEN 65 * 12 + 6
  WHEN born < DATE '1955-01-01' THEN 66 * 12
  WHEN born < DATE '1955-07-01' THEN 66 * 12 + 6
  WHEN born < DATE '1963-01-01' THEN 67 * 12
  WHEN born < DATE '1967-01-01' THEN 68 * 12
  WHEN born < DATE '1971-01-01' THEN 69 * 12
  ELSE 70 * 12 END;

CREATE OR REPLACE TEMP MACRO known_filter(m, recorded) AS
  recorded <= getvariable('as_of') AND (getvariable('municipality') IS NULL OR m = getvariable('municipality'));

-- @known_views: the runner generates one "known_<table>" view per projection table here.

-- The municipalities reported on: those with a standard (and the one chosen, if any).
CREATE OR REPLACE TEMP VIEW report_municipalities AS
  SELECT DISTINCT municipality FROM standard_versions
  WHERE getvariable('municipality') IS NULL OR municipality = getvariable('municipality');

-- One case = one application. Its received date is the earliest ApplicationReceived of the case
-- (a back-dated correction moves it earlier; arrival order never matters).
CREATE OR REPLACE TEMP VIEW case_applications AS
  SELECT municipality, case_id,
         min(occurred_on) AS received_on,
         arg_min(citizen_id, (occurred_on, recorded_at, event_id)) AS citizen_id,
         arg_min(birth_month, (occurred_on, recorded_at, event_id)) AS birth_month
  FROM known_applications GROUP BY municipality, case_id;

-- The standard version in force on a date: the last one whose effectiveFrom ≤ date.
CREATE OR REPLACE TEMP VIEW case_versions AS
  SELECT a.*, v.* EXCLUDE (municipality)
  FROM case_applications a
  JOIN standard_versions v ON v.municipality = a.municipality AND a.received_on BETWEEN v.effective_from AND v.effective_to;

-- A citizen's cases, linked by pseudonymous id (applications, and ServiceStarted on cases without one).
CREATE OR REPLACE TEMP VIEW case_citizens AS
  SELECT municipality, case_id, citizen_id FROM case_applications
  UNION
  SELECT s.municipality, s.case_id, s.citizen_id FROM known_service_starts s
  ANTI JOIN case_applications a ON a.municipality = s.municipality AND a.case_id = s.case_id
  WHERE s.citizen_id IS NOT NULL;

-- Each case's first decision (domain.md metric 1: "its first DecisionMade").
CREATE OR REPLACE TEMP VIEW first_decisions AS
  SELECT municipality, case_id, min(occurred_on) AS decided_on FROM known_decisions GROUP BY ALL;

-- Grants: DecisionMade granted or partly_granted, with the standard version in force on the
-- case's received date (on the decision date when the case's application is unknown).
CREATE OR REPLACE TEMP VIEW grants AS
  SELECT d.municipality, d.case_id, d.decision_id, d.event_id, d.occurred_on AS decided_on, d.outcome,
         d.offer_id, d.days_per_week, d.transport, d.start_date,
         a.received_on, a.birth_month, v.version_id, v.days_min, v.days_max, v.follow_up_months,
         v.min_age, v.max_age_is_pension_age, v.min_function_level, v.action_plan_required, v.providers_must_be_approved
  FROM known_decisions d
  LEFT JOIN case_applications a USING (municipality, case_id)
  LEFT JOIN standard_versions v
    ON v.municipality = d.municipality AND coalesce(a.received_on, d.occurred_on) BETWEEN v.effective_from AND v.effective_to
  WHERE d.outcome IN ('granted', 'partly_granted');

-- Grants in effect on each period's snapshot date (domain.md metric 3): startDate ≤ D and no
-- ServiceEnded of the case dated before D unless a ServiceStarted of the case follows that end
-- on or before D. Days per week, offer and transport are the grant's, overridden by the latest
-- GrantChanged of the decision dated on or before D that sets them.
CREATE OR REPLACE TEMP VIEW grants_in_effect AS
  WITH g AS (
    SELECT p.period, p.snap, g.*,
      (SELECT max(e.occurred_on) FROM known_service_ends e
        WHERE e.case_id = g.case_id AND e.municipality = g.municipality AND e.occurred_on < p.snap) AS last_end
    FROM grants g JOIN periods p ON g.start_date <= p.snap
  )
  SELECT g.* EXCLUDE (last_end, days_per_week, offer_id, transport),
    coalesce((SELECT arg_max(c.days_per_week, (c.occurred_on, c.recorded_at, c.event_id)) FROM known_grant_changes c
              WHERE c.case_id = g.case_id AND c.municipality = g.municipality AND c.decision_id = g.decision_id
                AND c.days_per_week IS NOT NULL AND c.occurred_on <= g.snap), g.days_per_week) AS days_per_week,
    coalesce((SELECT arg_max(c.offer_id, (c.occurred_on, c.recorded_at, c.event_id)) FROM known_grant_changes c
              WHERE c.case_id = g.case_id AND c.municipality = g.municipality AND c.decision_id = g.decision_id
                AND c.offer_id IS NOT NULL AND c.occurred_on <= g.snap), g.offer_id) AS offer_id,
    coalesce((SELECT arg_max(c.transport, (c.occurred_on, c.recorded_at, c.event_id)) FROM known_grant_changes c
              WHERE c.case_id = g.case_id AND c.municipality = g.municipality AND c.decision_id = g.decision_id
                AND c.transport IS NOT NULL AND c.occurred_on <= g.snap), g.transport) AS transport
  FROM g
  WHERE g.last_end IS NULL OR EXISTS (
    SELECT 1 FROM known_service_starts s
    WHERE s.case_id = g.case_id AND s.municipality = g.municipality AND s.occurred_on > g.last_end AND s.occurred_on <= g.snap);

-- A case's service at one offer, in effect on day X (the same rule, by ServiceStarted and
-- ServiceEnded at that offer): started there on or before X, and no end there before X that is
-- not followed by a start there after that end and on or before X.
-- (Aliases inside a macro are spelled out so they cannot capture the caller's aliases.)
CREATE OR REPLACE TEMP MACRO service_in_effect(m, c, o, x) AS coalesce(
  (SELECT max(sie_start.occurred_on) FROM known_service_starts sie_start
    WHERE sie_start.municipality = m AND sie_start.case_id = c AND sie_start.offer_id = o AND sie_start.occurred_on <= x)
  > coalesce((SELECT max(sie_end.occurred_on) FROM known_service_ends sie_end
    WHERE sie_end.municipality = m AND sie_end.case_id = c AND sie_end.offer_id = o AND sie_end.occurred_on < x), DATE '0001-01-01'),
  false);

-- Grants that break a rule of the standard version in force on the received date (domain.md
-- metric 8). A rule the version does not have never matches. Ages in completed years from the
-- first day of the birth month; the assessment is the latest dated on or before the decision.
CREATE OR REPLACE TEMP VIEW eligibility_exceptions AS
  WITH g AS (
    SELECT g.*, birth_day(g.birth_month) AS born,
      (SELECT arg_max(a.function_level, (a.occurred_on, a.recorded_at, a.event_id)) FROM known_assessments a
        WHERE a.municipality = g.municipality AND a.case_id = g.case_id AND a.occurred_on <= g.decided_on) AS function_level,
      coalesce(
        (SELECT arg_max(o.approved_by_socialtilsyn AND o.listed_on_tilbudsportalen, (o.occurred_on, o.recorded_at, o.event_id)) FROM known_offers o
          WHERE o.municipality = g.municipality AND o.offer_id = g.offer_id AND o.occurred_on <= g.decided_on),
        (SELECT arg_min(o.approved_by_socialtilsyn AND o.listed_on_tilbudsportalen, (o.occurred_on, o.recorded_at, o.event_id)) FROM known_offers o
          WHERE o.municipality = g.municipality AND o.offer_id = g.offer_id)) AS provider_approved,
      EXISTS (SELECT 1 FROM known_action_plans ap
        WHERE ap.municipality = g.municipality AND ap.case_id = g.case_id AND ap.offered
          AND ap.occurred_on BETWEEN g.decided_on AND g.decided_on + 30) AS action_plan_offered
    FROM grants g
  )
  SELECT municipality, case_id, decision_id, decided_on, 'under_18' AS rule FROM g
    WHERE g.decided_on < add_months(g.born, 12 * g.min_age)
  UNION ALL
  SELECT municipality, case_id, decision_id, decided_on, 'over_pension_age' FROM g
    WHERE g.max_age_is_pension_age AND g.decided_on >= add_months(g.born, pension_age_months(g.born))
  UNION ALL
  SELECT municipality, case_id, decision_id, decided_on, 'below_function_level' FROM g
    WHERE g.function_level < g.min_function_level
  UNION ALL
  SELECT municipality, case_id, decision_id, decided_on, 'no_action_plan' FROM g
    WHERE g.action_plan_required AND NOT g.action_plan_offered
  UNION ALL
  -- an offer never registered cannot be shown to be approved and listed
  SELECT municipality, case_id, decision_id, decided_on, 'provider_not_approved' FROM g
    WHERE g.providers_must_be_approved AND NOT coalesce(g.provider_approved, false);
