-- Processing time against the deadline in force (domain.md metric 1).
-- Anchor: the date of the application's first DecisionMade. The deadline is the one of the
-- standard version in force on the received date; within ⇔ days ≤ weeks × 7. Withdrawn
-- applications are left out. Open applications are counted on the snapshot date.
WITH apps AS (
  SELECT a.municipality, a.case_id, a.received_on, a.version_id, a.deadline_weeks * 7 AS deadline_days,
         d.decided_on,
         (SELECT min(w.occurred_on) FROM known_application_withdrawals w
           WHERE w.municipality = a.municipality AND w.case_id = a.case_id) AS withdrawn_on
  FROM case_versions a
  LEFT JOIN first_decisions d USING (municipality, case_id)
),
decided AS (
  SELECT p.period, a.municipality, a.version_id,
         count(*) AS decided,
         count(*) FILTER (WHERE a.decided_on - a.received_on <= a.deadline_days) AS within,
         list(a.decided_on - a.received_on) AS days
  FROM apps a JOIN periods p ON in_period(a.decided_on, p.p_from, p.p_to)
  WHERE a.withdrawn_on IS NULL
  GROUP BY ALL
),
open_apps AS (
  -- Received on or before the snapshot, with no decision and no withdrawal dated on or before it.
  SELECT p.period, a.municipality, a.version_id, p.snap - a.received_on AS elapsed, a.deadline_days,
         EXISTS (SELECT 1 FROM known_deadline_extensions x
                 WHERE x.municipality = a.municipality AND x.case_id = a.case_id AND x.occurred_on <= p.snap) AS notified
  FROM apps a JOIN periods p ON a.received_on <= p.snap
  WHERE (a.decided_on IS NULL OR a.decided_on > p.snap) AND (a.withdrawn_on IS NULL OR a.withdrawn_on > p.snap)
),
open AS (
  SELECT period, municipality, version_id,
         count(*) AS open,
         count(*) FILTER (WHERE elapsed > deadline_days) AS overdue,
         -- at risk: not overdue, and elapsed ≥ 75 % of the deadline (4 · elapsed ≥ 3 · deadline, exactly)
         count(*) FILTER (WHERE elapsed <= deadline_days AND 4 * elapsed >= 3 * deadline_days) AS at_risk,
         count(*) FILTER (WHERE elapsed > deadline_days AND NOT notified) AS overdue_without_notice
  FROM open_apps GROUP BY ALL
)
SELECT p.period,
       v.municipality,
       v.version_id AS standardVersion,
       v.deadline_weeks AS deadlineWeeks,
       coalesce(d.decided, 0) AS decided,
       CASE WHEN v.deadline_weeks IS NOT NULL THEN coalesce(d.within, 0) END AS withinDeadline,
       CASE WHEN v.deadline_weeks IS NOT NULL THEN pct(coalesce(d.within, 0), coalesce(d.decided, 0)) END AS compliancePct,
       nearest_rank(coalesce(d.days, []), 1, 2) AS medianDays,
       nearest_rank(coalesce(d.days, []), 9, 10) AS p90Days,
       coalesce(o.open, 0) AS open,
       CASE WHEN v.deadline_weeks IS NOT NULL THEN coalesce(o.at_risk, 0) END AS atRisk,
       CASE WHEN v.deadline_weeks IS NOT NULL THEN coalesce(o.overdue, 0) END AS overdue,
       CASE WHEN v.deadline_weeks IS NOT NULL THEN coalesce(o.overdue_without_notice, 0) END AS overdueWithoutNotice
FROM periods p
CROSS JOIN standard_versions v
SEMI JOIN report_municipalities m ON m.municipality = v.municipality
LEFT JOIN decided d ON d.period IS NOT DISTINCT FROM p.period AND d.municipality = v.municipality AND d.version_id = v.version_id
LEFT JOIN open o ON o.period IS NOT DISTINCT FROM p.period AND o.municipality = v.municipality AND o.version_id = v.version_id
ORDER BY v.municipality, p.p_from, v.version_no;
