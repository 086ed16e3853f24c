-- Absence by offer (domain.md metric 4). Anchor: the attendance date. Planned days are the
-- registrations in the period (attended + cancelled + no-show); absence = (cancelled + no-show) ÷ planned.
SELECT p.period, a.municipality, a.offer_id AS offerId,
       count(*) AS plannedDays,
       count(*) FILTER (WHERE a.status = 'attended') AS attended,
       count(*) FILTER (WHERE a.status = 'cancelled') AS cancelled,
       count(*) FILTER (WHERE a.status = 'no_show') AS noShow,
       pct(count(*) FILTER (WHERE a.status <> 'attended'), count(*)) AS absenceRatePct
FROM known_attendance a
JOIN periods p ON a.occurred_on BETWEEN p.p_from AND p.p_to
SEMI JOIN report_municipalities m ON m.municipality = a.municipality
GROUP BY ALL
ORDER BY a.municipality, offerId, p.period;
