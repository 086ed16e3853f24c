-- Absence by offer (domain.md metric 4). Anchor: the attendance date. Planned days are the
-- registrations in the period (attended + cancelled + no-show); absence = (cancelled + no-show) ÷ planned.
-- Registrations are counted per offer, day and status before they meet the periods: millions of
-- rows joined to periods by range are slow, a few thousand days are not. The projector keeps those
-- daily counts (attendance_days); they are read from it when no registration in it was recorded
-- after --as-of, and counted from the registrations otherwise. Both ways count the same.
WITH days AS (
  -- registrations per day: from the projector's summary when it covers --as-of (summaries.ts)
  SELECT municipality, offer_id, occurred_on, status, n FROM attendance_days
  WHERE getvariable('attendance_summary') AND known_filter(municipality, last_recorded_at)
  UNION ALL
  SELECT municipality, offer_id, occurred_on, status, count(*) FROM known_attendance
  WHERE NOT getvariable('attendance_summary')
  GROUP BY ALL
),
by_status AS (
  SELECT p.period, d.municipality, d.offer_id, d.status, CAST(sum(d.n) AS BIGINT) AS n
  FROM days d
  JOIN periods p ON in_period(d.occurred_on, p.p_from, p.p_to)
  GROUP BY ALL
),
counts AS (
  SELECT period, municipality, offer_id,
         sum(n) AS planned,
         coalesce(sum(n) FILTER (WHERE status = 'attended'), 0) AS attended,
         coalesce(sum(n) FILTER (WHERE status = 'cancelled'), 0) AS cancelled,
         coalesce(sum(n) FILTER (WHERE status = 'no_show'), 0) AS no_show
  FROM by_status GROUP BY ALL
)
SELECT c.period, c.municipality, c.offer_id AS offerId,
       c.planned AS plannedDays, c.attended, c.cancelled, c.no_show AS noShow,
       pct(c.cancelled + c.no_show, c.planned) AS absenceRatePct
FROM counts c
SEMI JOIN report_municipalities m ON m.municipality = c.municipality
ORDER BY c.municipality, offerId, c.period;
