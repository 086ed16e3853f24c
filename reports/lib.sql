-- Shared definitions for every report (domain.md, "Metric definitions").
-- Run once per connection by reports/session.ts. Every view reads the projection tables through
-- the known_* views, which keep only events recorded at or before getvariable('as_of') and of
-- getvariable('municipality') when one is chosen: that is how --as-of and --municipality reach
-- every metric, snapshot metrics included. The runner fills two temp tables before each run:
--   standard_versions: one row per version of every loaded standard (contract §2)
--   periods(period, p_from, p_to, snap): the period filter on anchor dates and the snapshot date
-- and sets getvariable('period_unit') to --by (month, quarter or year; NULL without --by).

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

-- d lies in the period [p_from, p_to]. With --by the periods are whole calendar units (the first
-- and last clipped to --from/--to), so a date inside a period truncates to the same unit as the
-- period's first day; without --by there is one period and one key. The key equality changes no
-- result and lets DuckDB find each row's period by hash join instead of range join.
CREATE OR REPLACE TEMP MACRO period_key(d) AS
  CASE WHEN getvariable('period_unit') IS NULL THEN DATE '0001-01-01'
       ELSE CAST(date_trunc(getvariable('period_unit'), d) AS DATE) END;
CREATE OR REPLACE TEMP MACRO in_period(d, p_from, p_to) AS
  period_key(d) = period_key(p_from) AND d BETWEEN p_from AND p_to;

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

-- The days on which a case's grants can be in effect (domain.md metric 3), as disjoint spells
-- [open_from, open_to]. Day D is open unless the case has a ServiceEnded dated before D with no
-- ServiceStarted of the case after that end and on or before D. So the open days are: every day
-- up to the first end (an end closes from the day after it), and from each start that follows an
-- end with no start in between (a restart) up to the first end on or after that start.
CREATE OR REPLACE TEMP VIEW case_open_spells AS
  WITH starts AS (
    SELECT DISTINCT municipality, case_id, occurred_on AS started_on FROM known_service_starts
  ),
  restarts AS (
    SELECT s.municipality, s.case_id, s.started_on,
           max(m.ended_on) FILTER (WHERE m.ended_on < s.started_on) AS ended_before,
           max(m.started_on) FILTER (WHERE m.started_on < s.started_on) AS started_before,
           min(m.ended_on) FILTER (WHERE m.ended_on >= s.started_on) AS ends_on
    FROM starts s
    JOIN (SELECT municipality, case_id, started_on, NULL::DATE AS ended_on FROM starts
          UNION ALL
          SELECT municipality, case_id, NULL, occurred_on FROM known_service_ends) m USING (municipality, case_id)
    GROUP BY ALL
  )
  SELECT municipality, case_id, DATE '0001-01-01' AS open_from, coalesce(min(ended_on), DATE '9999-12-31') AS open_to
  FROM (SELECT municipality, case_id, NULL::DATE AS ended_on FROM known_decisions WHERE outcome IN ('granted', 'partly_granted')
        UNION ALL
        SELECT municipality, case_id, occurred_on FROM known_service_ends)
  GROUP BY ALL
  UNION ALL
  SELECT municipality, case_id, started_on, coalesce(ends_on, DATE '9999-12-31')
  FROM restarts
  WHERE ended_before IS NOT NULL AND (started_before IS NULL OR started_before <= ended_before);

-- Per decision, the grant's days per week, offer and transport as changed so far, in spells
-- [changed_from, changed_to] between two days with a GrantChanged: for each value, the latest
-- GrantChanged dated on or before the day that sets it (by date; ties by recordedAt, eventId).
CREATE OR REPLACE TEMP VIEW grant_change_spells AS
  SELECT d.municipality, d.case_id, d.decision_id,
         arg_max(c.days_per_week, (c.occurred_on, c.recorded_at, c.event_id)) FILTER (WHERE c.occurred_on <= d.changed_from) AS days_per_week,
         arg_max(c.offer_id, (c.occurred_on, c.recorded_at, c.event_id)) FILTER (WHERE c.occurred_on <= d.changed_from) AS offer_id,
         arg_max(c.transport, (c.occurred_on, c.recorded_at, c.event_id)) FILTER (WHERE c.occurred_on <= d.changed_from) AS transport,
         d.changed_from,
         coalesce(min(c.occurred_on) FILTER (WHERE c.occurred_on > d.changed_from) - 1, DATE '9999-12-31') AS changed_to
  FROM (SELECT DISTINCT municipality, case_id, decision_id, occurred_on AS changed_from FROM known_grant_changes) d
  JOIN known_grant_changes c USING (municipality, case_id, decision_id)
  GROUP BY d.municipality, d.case_id, d.decision_id, d.changed_from;

-- Grants in effect (domain.md metric 3) as spells [in_effect_from, in_effect_to]: startDate ≤ D
-- and D in one of the case's open spells. A grant is in effect on D in at most one spell.
CREATE OR REPLACE TEMP VIEW grant_spells AS
  SELECT g.*, greatest(g.start_date, s.open_from) AS in_effect_from, s.open_to AS in_effect_to
  FROM grants g
  JOIN case_open_spells s ON s.municipality = g.municipality AND s.case_id = g.case_id AND s.open_to >= g.start_date;

-- Grants in effect on each period's snapshot date. Days per week, offer and transport are the
-- grant's, overridden by the latest GrantChanged of the decision dated on or before D that sets them.
CREATE OR REPLACE TEMP VIEW grants_in_effect AS
  WITH g AS (
    SELECT p.period, p.snap, s.* EXCLUDE (in_effect_from, in_effect_to)
    FROM grant_spells s JOIN periods p ON p.snap BETWEEN s.in_effect_from AND s.in_effect_to
  )
  SELECT g.* EXCLUDE (days_per_week, offer_id, transport),
    coalesce(c.days_per_week, g.days_per_week) AS days_per_week,
    coalesce(c.offer_id, g.offer_id) AS offer_id,
    coalesce(c.transport, g.transport) AS transport
  FROM g
  LEFT JOIN grant_change_spells c
    ON c.municipality = g.municipality AND c.case_id = g.case_id AND c.decision_id = g.decision_id
       AND g.snap BETWEEN c.changed_from AND c.changed_to;

-- A case's VUM function level as assessed so far, in spells [assessed_from, assessed_to] between
-- two days with an AssessmentCompleted: the level of the latest one dated on or before the day
-- (ties by recordedAt, eventId), among those that give a level.
CREATE OR REPLACE TEMP VIEW function_level_spells AS
  WITH daily AS (
    SELECT municipality, case_id, occurred_on, arg_max(function_level, (recorded_at, event_id)) AS function_level
    FROM known_assessments WHERE function_level IS NOT NULL
    GROUP BY ALL
  )
  SELECT municipality, case_id, function_level, occurred_on AS assessed_from,
         coalesce(lead(occurred_on) OVER (PARTITION BY municipality, case_id ORDER BY occurred_on) - 1, DATE '9999-12-31') AS assessed_to
  FROM daily;

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

-- The same rule as disjoint spells [started_on, ended_on] per case and offer: X is in effect when
-- it lies between a start at the offer and the first end there on or after that start. Only a
-- start with no other start since the last end before it opens a spell (a later one lies inside
-- the spell of the earlier). The projector keeps these spells (consumers/projection/
-- serviceSpells.ts, which holds the definition); they are read from its table when no start or end
-- in it was recorded after --as-of, and derived from the starts and ends otherwise.
-- @service_spells: the runner generates the view "service_spells" here.

-- Grants that break a rule of the standard version in force on the received date (domain.md
-- metric 8). A rule the version does not have never matches. Ages in completed years from the
-- first day of the birth month; the assessment is the latest dated on or before the decision.
CREATE OR REPLACE TEMP VIEW eligibility_exceptions AS
  WITH approvals AS (
    -- An offer's "approved by Socialtilsynet and listed on Tilbudsportalen" as registered so far, in
    -- spells between two registration days (the latest registration; ties by recordedAt, eventId).
    SELECT municipality, offer_id, approved, registered_on,
           coalesce(lead(registered_on) OVER (PARTITION BY municipality, offer_id ORDER BY registered_on) - 1, DATE '9999-12-31') AS registered_to
    FROM (SELECT municipality, offer_id, occurred_on AS registered_on,
                 arg_max(approved_by_socialtilsyn AND listed_on_tilbudsportalen, (recorded_at, event_id)) AS approved
          FROM known_offers WHERE (approved_by_socialtilsyn AND listed_on_tilbudsportalen) IS NOT NULL
          GROUP BY ALL)
  ),
  first_approvals AS (
    -- for a grant decided before the offer's first registration: that first registration
    SELECT municipality, offer_id,
           arg_min(approved_by_socialtilsyn AND listed_on_tilbudsportalen, (occurred_on, recorded_at, event_id)) AS approved
    FROM known_offers GROUP BY ALL
  ),
  g AS (
    SELECT g.*, birth_day(g.birth_month) AS born, l.function_level,
      coalesce(a.approved, f.approved) AS provider_approved,
      EXISTS (SELECT 1 FROM known_action_plans ap
        WHERE ap.municipality = g.municipality AND ap.case_id = g.case_id AND ap.offered
          AND ap.occurred_on BETWEEN g.decided_on AND g.decided_on + 30) AS action_plan_offered
    FROM grants g
    LEFT JOIN function_level_spells l
      ON l.municipality = g.municipality AND l.case_id = g.case_id AND g.decided_on BETWEEN l.assessed_from AND l.assessed_to
    LEFT JOIN approvals a
      ON a.municipality = g.municipality AND a.offer_id = g.offer_id AND g.decided_on BETWEEN a.registered_on AND a.registered_to
    LEFT JOIN first_approvals f ON f.municipality = g.municipality AND f.offer_id = g.offer_id
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
