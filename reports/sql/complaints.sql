-- Complaints and Ankestyrelsen outcomes (domain.md metric 5). Anchor: the complaint's received
-- date (decisions: the decision date). Each step counts once per complaint: the first receipt and
-- forwarding, the latest reassessment and appeal decision (by date; ties by recordedAt, eventId).
WITH received AS (
  SELECT municipality, complaint_id,
         min(occurred_on) AS received_on,
         arg_min(subject, (occurred_on, recorded_at, event_id)) AS subject,
         arg_min(decision_id, (occurred_on, recorded_at, event_id)) AS decision_id,
         arg_min(case_id, (occurred_on, recorded_at, event_id)) AS case_id
  FROM known_complaints GROUP BY ALL
),
decision_dates AS (
  SELECT municipality, decision_id, min(occurred_on) AS decided_on FROM known_decisions GROUP BY ALL
),
steps AS (
  SELECT r.*, d.decided_on,
         -- 28 + 28 days (contract §2) from the version in force on the case's received date,
         -- or on the complaint's date when the case's application is unknown.
         coalesce(cv.complaint_window_days, v.complaint_window_days) AS window_days,
         coalesce(cv.forward_within_days, v.forward_within_days) AS forward_days,
         (SELECT arg_max(x.result, (x.occurred_on, x.recorded_at, x.event_id)) FROM known_complaint_reassessments x
           WHERE x.municipality = r.municipality AND x.complaint_id = r.complaint_id) AS reassessment,
         (SELECT min(f.occurred_on) FROM known_complaint_forwards f
           WHERE f.municipality = r.municipality AND f.complaint_id = r.complaint_id) AS forwarded_on,
         (SELECT arg_max(a.outcome, (a.occurred_on, a.recorded_at, a.event_id)) FROM known_appeal_decisions a
           WHERE a.municipality = r.municipality AND a.complaint_id = r.complaint_id) AS appeal
  FROM received r
  LEFT JOIN decision_dates d USING (municipality, decision_id)
  LEFT JOIN case_versions cv USING (municipality, case_id)
  LEFT JOIN standard_versions v ON v.municipality = r.municipality AND r.received_on BETWEEN v.effective_from AND v.effective_to
  WHERE r.subject = 'decision'
),
by_complaint AS (
  SELECT p.period, s.municipality,
         count(*) AS complaints,
         count(*) FILTER (WHERE s.received_on - s.decided_on <= s.window_days) AS timely,
         count(*) FILTER (WHERE s.reassessment = 'full_reversal') AS full_reversal,
         count(*) FILTER (WHERE s.reassessment = 'partial') AS partial,
         count(*) FILTER (WHERE s.reassessment = 'maintained') AS maintained,
         count(s.forwarded_on) AS forwarded,
         count(*) FILTER (WHERE s.reassessment IN ('partial', 'maintained') AND s.forwarded_on - s.received_on <= s.forward_days) AS forwarded_on_time,
         count(*) FILTER (WHERE s.appeal = 'upheld') AS upheld,
         count(*) FILTER (WHERE s.appeal = 'changed_or_annulled') AS changed,
         count(*) FILTER (WHERE s.appeal = 'remitted') AS remitted,
         count(*) FILTER (WHERE s.appeal = 'dismissed') AS dismissed
  FROM steps s JOIN periods p ON in_period(s.received_on, p.p_from, p.p_to)
  GROUP BY ALL
),
case_handling AS (
  SELECT p.period, r.municipality, count(*) AS n
  FROM received r JOIN periods p ON in_period(r.received_on, p.p_from, p.p_to)
  WHERE r.subject = 'case_handling' GROUP BY ALL
),
decisions AS (
  SELECT p.period, d.municipality, count(*) AS n
  FROM known_decisions d JOIN periods p ON in_period(d.occurred_on, p.p_from, p.p_to)
  GROUP BY ALL
)
SELECT p.period, m.municipality,
       coalesce(d.n, 0) AS decisions,
       coalesce(c.complaints, 0) AS complaints,
       coalesce(h.n, 0) AS caseHandlingComplaints,
       -- of all complaints: one about a decision the log does not hold cannot be shown timely
       pct(coalesce(c.timely, 0), coalesce(c.complaints, 0)) AS timelyPct,
       coalesce(c.full_reversal, 0) AS fullReversal,
       coalesce(c.partial, 0) AS partial,
       coalesce(c.maintained, 0) AS maintained,
       coalesce(c.forwarded, 0) AS forwarded,
       -- among complaints reassessed partial or maintained; not forwarded counts as late
       pct(coalesce(c.forwarded_on_time, 0), coalesce(c.partial, 0) + coalesce(c.maintained, 0)) AS forwardedOnTimePct,
       coalesce(c.upheld, 0) AS upheld,
       coalesce(c.changed, 0) AS changedOrAnnulled,
       coalesce(c.remitted, 0) AS remitted,
       coalesce(c.dismissed, 0) AS dismissed,
       -- omgørelsesprocent: (remitted + changed/annulled) ÷ (those + upheld); dismissed left out
       pct(coalesce(c.remitted, 0) + coalesce(c.changed, 0), coalesce(c.remitted, 0) + coalesce(c.changed, 0) + coalesce(c.upheld, 0)) AS reversalRatePct
FROM periods p
CROSS JOIN report_municipalities m
LEFT JOIN by_complaint c ON c.period IS NOT DISTINCT FROM p.period AND c.municipality = m.municipality
LEFT JOIN case_handling h ON h.period IS NOT DISTINCT FROM p.period AND h.municipality = m.municipality
LEFT JOIN decisions d ON d.period IS NOT DISTINCT FROM p.period AND d.municipality = m.municipality
ORDER BY m.municipality, p.period;
