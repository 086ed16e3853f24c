-- Volume (domain.md metric 9). Anchor: each event's own date; grants in effect on the snapshot.
-- applications: cases by received date; withdrawn: cases by first withdrawal date; decisions by
-- outcome; starts and ends of §104 services (an end belongs to §82a when the case's latest start at
-- that offer on or before it was §82a); transport share among grants decided in the period.
WITH counts AS (
  SELECT p.period, 'applications' AS k, a.municipality
  FROM case_applications a JOIN periods p ON in_period(a.received_on, p.p_from, p.p_to)
  UNION ALL
  SELECT p.period, 'withdrawn', w.municipality
  FROM (SELECT municipality, case_id, min(occurred_on) AS d FROM known_application_withdrawals GROUP BY ALL) w
  JOIN periods p ON in_period(w.d, p.p_from, p.p_to)
  UNION ALL
  SELECT p.period, 'decision_' || d.outcome, d.municipality
  FROM known_decisions d JOIN periods p ON in_period(d.occurred_on, p.p_from, p.p_to)
  UNION ALL
  SELECT p.period, 'transport_' || (d.transport <> 'none'), d.municipality
  FROM known_decisions d JOIN periods p ON in_period(d.occurred_on, p.p_from, p.p_to)
  WHERE d.outcome IN ('granted', 'partly_granted')
  UNION ALL
  SELECT p.period, 'start', s.municipality
  FROM known_service_starts s JOIN periods p ON in_period(s.occurred_on, p.p_from, p.p_to)
  WHERE s.legal_basis = 'SEL104'
  UNION ALL
  SELECT p.period, 'end', e.municipality
  FROM known_service_ends e JOIN periods p ON in_period(e.occurred_on, p.p_from, p.p_to)
  WHERE coalesce((SELECT arg_max(s.legal_basis, (s.occurred_on, s.recorded_at, s.event_id)) FROM known_service_starts s
                  WHERE s.municipality = e.municipality AND s.case_id = e.case_id AND s.offer_id = e.offer_id
                    AND s.occurred_on <= e.occurred_on), 'SEL104') = 'SEL104'
),
running AS (
  -- Grants in effect from each day on which the count changes: a spell adds one from its first
  -- day and takes it away the day after its last (counting, not listing, the grants per snapshot).
  -- Spells that hold no snapshot change no count.
  SELECT municipality, d, sum(sum(n)) OVER (PARTITION BY municipality ORDER BY d) AS in_effect
  FROM (SELECT municipality, unnest([in_effect_from, in_effect_to + 1]) AS d, unnest([1, -1]) AS n
        FROM grant_spells
        WHERE in_effect_to >= (SELECT min(snap) FROM periods) AND in_effect_from <= (SELECT max(snap) FROM periods))
  GROUP BY municipality, d
),
in_effect AS (
  -- on each snapshot, the count of the last change on or before it
  SELECT p.period, r.municipality, CAST(sum(r.in_effect) AS BIGINT) AS in_effect
  FROM periods p
  CROSS JOIN (SELECT DISTINCT municipality FROM running) m
  ASOF JOIN running r ON r.municipality = m.municipality AND p.snap >= r.d
  GROUP BY ALL
),
pivoted AS (
  SELECT period, municipality,
         count(*) FILTER (WHERE k = 'applications') AS applications,
         count(*) FILTER (WHERE k = 'withdrawn') AS withdrawn,
         count(*) FILTER (WHERE k LIKE 'decision_%') AS decisions,
         count(*) FILTER (WHERE k = 'decision_granted') AS granted,
         count(*) FILTER (WHERE k = 'decision_partly_granted') AS partly_granted,
         count(*) FILTER (WHERE k = 'decision_rejected') AS rejected,
         count(*) FILTER (WHERE k = 'start') AS starts,
         count(*) FILTER (WHERE k = 'end') AS ends,
         count(*) FILTER (WHERE k = 'transport_true') AS with_transport,
         count(*) FILTER (WHERE k LIKE 'transport_%') AS grants_decided
  FROM counts GROUP BY ALL
)
SELECT p.period, m.municipality,
       coalesce(v.applications, 0) AS applications,
       coalesce(v.withdrawn, 0) AS withdrawn,
       coalesce(v.decisions, 0) AS decisions,
       coalesce(v.granted, 0) AS granted,
       coalesce(v.partly_granted, 0) AS partlyGranted,
       coalesce(v.rejected, 0) AS rejected,
       coalesce(g.in_effect, 0) AS grantsInEffect,
       coalesce(v.starts, 0) AS starts,
       coalesce(v.ends, 0) AS ends,
       pct(coalesce(v.with_transport, 0), coalesce(v.grants_decided, 0)) AS transportSharePct
FROM periods p
CROSS JOIN report_municipalities m
LEFT JOIN pivoted v ON v.period IS NOT DISTINCT FROM p.period AND v.municipality = m.municipality
LEFT JOIN in_effect g ON g.period IS NOT DISTINCT FROM p.period AND g.municipality = m.municipality
ORDER BY m.municipality, p.period;
