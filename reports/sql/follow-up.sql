-- Follow-up (domain.md metric 7). For each grant in effect on the snapshot date, the next
-- follow-up is due followUpMonths calendar months after the later of the grant's startDate and
-- the case's last FollowUpHeld dated on or before the snapshot; overdue ⇔ due before the snapshot.
-- held = FollowUpHeld dated in the period; on time ⇔ dated on or before the due date computed from
-- what preceded it (the grant's start, or the case's previous follow-up).
WITH active AS (
  SELECT g.period, g.snap, g.municipality,
         add_months(greatest(g.start_date, coalesce(
           (SELECT max(f.occurred_on) FROM known_follow_ups f
             WHERE f.municipality = g.municipality AND f.case_id = g.case_id AND f.occurred_on <= g.snap), g.start_date)),
           g.follow_up_months) AS due_on
  FROM grants_in_effect g
),
active_counts AS (
  SELECT period, municipality, count(*) AS active, count(*) FILTER (WHERE due_on < snap) AS overdue
  FROM active GROUP BY ALL
),
held AS (
  -- Each follow-up with the case's previous one (dated strictly before it).
  SELECT f.municipality, f.case_id, f.occurred_on,
         max(f.occurred_on) OVER (PARTITION BY f.municipality, f.case_id ORDER BY f.occurred_on
                                  RANGE BETWEEN UNBOUNDED PRECEDING AND INTERVAL 1 DAY PRECEDING) AS previous
  FROM known_follow_ups f
),
held_due AS (
  -- The grant a follow-up belongs to: the case's grant with the latest startDate on or before it,
  -- or, when none had started, the one with the earliest startDate.
  SELECT h.municipality, h.case_id, h.occurred_on, h.previous,
         arg_max({start_date: g.start_date, months: g.follow_up_months},
                 (g.start_date <= h.occurred_on,
                  CASE WHEN g.start_date <= h.occurred_on THEN g.start_date - DATE '2000-01-01' ELSE DATE '2000-01-01' - g.start_date END,
                  g.event_id)) AS grant_ref
  FROM held h JOIN grants g USING (municipality, case_id)
  GROUP BY ALL
),
held_counts AS (
  -- A follow-up on a case without a grant is held but cannot be on time.
  SELECT p.period, h.municipality, count(*) AS held,
         count(*) FILTER (WHERE h.occurred_on <= add_months(greatest(d.grant_ref.start_date, coalesce(h.previous, d.grant_ref.start_date)), d.grant_ref.months)) AS on_time
  FROM held h
  JOIN periods p ON h.occurred_on BETWEEN p.p_from AND p.p_to
  LEFT JOIN held_due d ON d.municipality = h.municipality AND d.case_id = h.case_id AND d.occurred_on = h.occurred_on
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
