-- Flagged cases (domain.md metric 4): over the 56 days ending on the snapshot date (inclusive), a
-- case has at least 8 planned days at an offer and absence ≥ the standard's absenceFlagPct. The
-- threshold is the one of the version in force on the case's received date (on the snapshot date
-- for a case without an application).
WITH window_days AS (
  -- The 56 days of each period's window, one row each: registrations find their windows by
  -- equality on the date, which DuckDB joins by hash (and prunes the scan to the days' range).
  SELECT period, snap, CAST(unnest(generate_series(snap - 55, snap, INTERVAL 1 DAY)) AS DATE) AS d FROM periods
),
windowed AS (
  SELECT w.period, w.snap, a.municipality, a.case_id, a.offer_id,
         count(*) AS planned,
         count(*) FILTER (WHERE a.status <> 'attended') AS absent
  FROM known_attendance a
  JOIN window_days w ON w.d = a.occurred_on
  GROUP BY ALL
)
SELECT w.period, w.municipality, w.case_id AS caseId, w.offer_id AS offerId,
       w.planned AS plannedDays, pct(w.absent, w.planned) AS absenceRatePct
FROM windowed w
LEFT JOIN case_applications c USING (municipality, case_id)
JOIN standard_versions v
  ON v.municipality = w.municipality AND coalesce(c.received_on, w.snap) BETWEEN v.effective_from AND v.effective_to
SEMI JOIN report_municipalities m ON m.municipality = w.municipality
WHERE w.planned >= 8 AND 100 * w.absent >= v.absence_flag_pct * w.planned
ORDER BY w.municipality, w.period, absenceRatePct DESC, caseId, offerId;
