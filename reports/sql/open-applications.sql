-- The work list behind processing-time (domain.md metric 1): every application open on the
-- snapshot date (received on or before it, no decision and no withdrawal dated on or before it),
-- with its elapsed days against the deadline in force on the received date.
-- status: overdue_without_notice, overdue, at_risk (≥ 75 % of the deadline), open; no_deadline
-- where the standard has none.
WITH apps AS (
  SELECT a.municipality, a.case_id, a.received_on, a.version_id, a.deadline_weeks,
         d.decided_on,
         (SELECT min(w.occurred_on) FROM known_application_withdrawals w
           WHERE w.municipality = a.municipality AND w.case_id = a.case_id) AS withdrawn_on
  FROM case_versions a
  LEFT JOIN first_decisions d USING (municipality, case_id)
),
open_apps AS (
  SELECT p.period, a.*, p.snap - a.received_on AS elapsed, a.deadline_weeks * 7 AS deadline_days,
         (SELECT max(x.occurred_on) FROM known_deadline_extensions x
           WHERE x.municipality = a.municipality AND x.case_id = a.case_id AND x.occurred_on <= p.snap) AS notified_on
  FROM apps a JOIN periods p ON a.received_on <= p.snap
  WHERE (a.decided_on IS NULL OR a.decided_on > p.snap) AND (a.withdrawn_on IS NULL OR a.withdrawn_on > p.snap)
)
SELECT o.period, o.municipality, o.case_id AS caseId, o.received_on AS receivedOn, o.version_id AS standardVersion,
       o.deadline_weeks AS deadlineWeeks, o.elapsed AS elapsedDays,
       CASE WHEN o.deadline_days IS NULL THEN 'no_deadline'
            WHEN o.elapsed > o.deadline_days AND o.notified_on IS NULL THEN 'overdue_without_notice'
            WHEN o.elapsed > o.deadline_days THEN 'overdue'
            WHEN 4 * o.elapsed >= 3 * o.deadline_days THEN 'at_risk'
            ELSE 'open' END AS status,
       o.notified_on AS notifiedOn
FROM open_apps o
SEMI JOIN report_municipalities m ON m.municipality = o.municipality
ORDER BY o.municipality, o.period, elapsedDays DESC, caseId;
