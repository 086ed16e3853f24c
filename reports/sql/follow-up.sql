-- Follow-up (domain.md metric 7). For each grant in effect on the snapshot date, the next
-- follow-up is due followUpMonths calendar months after the later of the grant's startDate and
-- the case's last FollowUpHeld dated on or before the snapshot; overdue ⇔ due before the snapshot.
-- held = FollowUpHeld dated in the period; on time ⇔ dated on or before the due date computed from
-- what preceded it (the grant's start, or the case's previous follow-up).
WITH follow_up_days AS (
  -- Each day with a FollowUpHeld of the case: how many were held, the previous such day, and the
  -- last day before the next one.
  SELECT municipality, case_id, held_on, n,
         lag(held_on) OVER w AS previous,
         coalesce(lead(held_on) OVER w - 1, DATE '9999-12-31') AS held_to
  FROM (SELECT municipality, case_id, occurred_on AS held_on, count(*) AS n FROM known_follow_ups GROUP BY ALL)
  WINDOW w AS (PARTITION BY municipality, case_id ORDER BY held_on)
),
spells AS MATERIALIZED (
  -- (spells that hold no snapshot change no count)
  SELECT municipality, case_id, start_date, follow_up_months, in_effect_from, in_effect_to FROM grant_spells
  WHERE in_effect_to >= (SELECT min(snap) FROM periods) AND in_effect_from <= (SELECT max(snap) FROM periods)
),
due_spells AS (
  -- The grants' spells in effect, cut where the case's last follow-up changes (before the first
  -- follow-up, and from each follow-up day to the next), each with its due date.
  SELECT municipality, due_from, due_to,
         add_months(greatest(start_date, coalesce(last_held, start_date)), follow_up_months) AS due_on
  FROM (SELECT g.municipality, g.start_date, g.follow_up_months, NULL::DATE AS last_held,
               g.in_effect_from AS due_from, least(g.in_effect_to, coalesce(f.held_on - 1, g.in_effect_to)) AS due_to
        FROM spells g
        LEFT JOIN follow_up_days f ON f.municipality = g.municipality AND f.case_id = g.case_id AND f.previous IS NULL
        UNION ALL
        SELECT g.municipality, g.start_date, g.follow_up_months, f.held_on,
               greatest(g.in_effect_from, f.held_on), least(g.in_effect_to, f.held_to)
        FROM spells g
        JOIN follow_up_days f
          ON f.municipality = g.municipality AND f.case_id = g.case_id AND f.held_on <= g.in_effect_to AND f.held_to >= g.in_effect_from)
  WHERE due_from <= due_to
),
edges AS (
  -- A spell counts as active from its first day to its last, and as overdue from the day after
  -- its due date if that comes first: +1 where each starts, -1 on the day after it ends.
  SELECT municipality,
         unnest([due_from, due_to + 1, overdue_from, due_to + 1]) AS d,
         unnest([1, -1, 0, 0]) AS active,
         unnest([0, 0, o, -o]) AS overdue
  FROM (SELECT municipality, due_from, due_to,
               CASE WHEN due_on + 1 <= due_to THEN greatest(due_from, due_on + 1) ELSE due_from END AS overdue_from,
               CASE WHEN due_on + 1 <= due_to THEN 1 ELSE 0 END AS o
        FROM due_spells)
),
running AS (
  -- the counts from each day with an edge until the next
  SELECT municipality, d, sum(sum(active)) OVER w AS active, sum(sum(overdue)) OVER w AS overdue
  FROM edges
  GROUP BY municipality, d
  WINDOW w AS (PARTITION BY municipality ORDER BY d)
),
active_counts AS (
  -- the counts on each snapshot: those of the last day with an edge on or before it
  SELECT p.period, r.municipality, CAST(sum(r.active) AS BIGINT) AS active, CAST(sum(r.overdue) AS BIGINT) AS overdue
  FROM periods p
  CROSS JOIN (SELECT DISTINCT municipality FROM running) m
  ASOF JOIN running r ON r.municipality = m.municipality AND p.snap >= r.d
  GROUP BY ALL
),
held_due AS (
  -- The grant a follow-up belongs to: the case's grant with the latest startDate on or before it,
  -- or, when none had started, the one with the earliest startDate.
  SELECT f.municipality, f.case_id, f.held_on,
         arg_max({start_date: g.start_date, months: g.follow_up_months},
                 (g.start_date <= f.held_on,
                  CASE WHEN g.start_date <= f.held_on THEN g.start_date - DATE '2000-01-01' ELSE DATE '2000-01-01' - g.start_date END,
                  g.event_id)) AS grant_ref
  FROM follow_up_days f JOIN grants g USING (municipality, case_id)
  GROUP BY ALL
),
held_counts AS (
  -- A follow-up on a case without a grant is held but cannot be on time.
  SELECT p.period, f.municipality, CAST(sum(f.n) AS BIGINT) AS held,
         CAST(coalesce(sum(f.n) FILTER (WHERE f.held_on <= add_months(
           greatest(d.grant_ref.start_date, coalesce(f.previous, d.grant_ref.start_date)), d.grant_ref.months)), 0) AS BIGINT) AS on_time
  FROM follow_up_days f
  JOIN periods p ON in_period(f.held_on, p.p_from, p.p_to)
  LEFT JOIN held_due d ON d.municipality = f.municipality AND d.case_id = f.case_id AND d.held_on = f.held_on
  GROUP BY ALL
)
SELECT p.period, m.municipality,
       coalesce(a.active, 0) AS activeGrants,
       coalesce(a.overdue, 0) AS overdue,
       coalesce(h.held, 0) AS held,
       coalesce(h.on_time, 0) AS heldOnTime,
       pct(coalesce(h.on_time, 0), coalesce(h.held, 0)) AS heldOnTimePct
FROM periods p
CROSS JOIN report_municipalities m
LEFT JOIN active_counts a ON a.period IS NOT DISTINCT FROM p.period AND a.municipality = m.municipality
LEFT JOIN held_counts h ON h.period IS NOT DISTINCT FROM p.period AND h.municipality = m.municipality
ORDER BY m.municipality, p.period;
