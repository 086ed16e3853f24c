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
  -- The grant a follow-up belongs to: the case's grant with the latest startDate on or before it
  -- (the case's first grant when none had started).
  SELECT p.period, f.municipality, f.occurred_on,
         (SELECT arg_max(g.start_date, (g.start_date <= f.occurred_on, CASE WHEN g.start_date <= f.occurred_on THEN g.start_date END, -epoch(g.decided_on)))
            FROM grants g WHERE g.municipality = f.municipality AND g.case_id = f.case_id) AS start_date,
         (SELECT arg_max(g.follow_up_months, (g.start_date <= f.occurred_on, CASE WHEN g.start_date <= f.occurred_on THEN g.start_date END, -epoch(g.decided_on)))
            FROM grants g WHERE g.municipality = f.municipality AND g.case_id = f.case_id) AS months,
         (SELECT max(f2.occurred_on) FROM known_follow_ups f2
           WHERE f2.municipality = f.municipality AND f2.case_id = f.case_id AND f2.occurred_on < f.occurred_on) AS previous
  FROM known_follow_ups f JOIN periods p ON f.occurred_on BETWEEN p.p_from AND p.p_to
),
held_counts AS (
  SELECT period, municipality, count(*) AS held,
         count(*) FILTER (WHERE occurred_on <= add_months(greatest(start_date, coalesce(previous, start_date)), months)) AS on_time
  FROM held GROUP BY ALL
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
