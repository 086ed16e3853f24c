-- Volume (domain.md metric 9). Anchor: each event's own date; grants in effect on the snapshot.
-- applications: cases by received date; withdrawn: cases by first withdrawal date; decisions by
-- outcome; starts and ends of §104 services (an end belongs to §82a when the case's latest start at
-- that offer on or before it was §82a); transport share among grants decided in the period.
WITH counts AS (
  SELECT p.period, 'applications' AS k, a.municipality FROM case_applications a JOIN periods p ON a.received_on BETWEEN p.p_from AND p.p_to
  UNION ALL
  SELECT p.period, 'withdrawn', w.municipality
  FROM (SELECT municipality, case_id, min(occurred_on) AS d FROM known_application_withdrawals GROUP BY ALL) w
  JOIN periods p ON w.d BETWEEN p.p_from AND p.p_to
  UNION ALL
  SELECT p.period, 'decision_' || d.outcome, d.municipality FROM known_decisions d JOIN periods p ON d.occurred_on BETWEEN p.p_from AND p.p_to
  UNION ALL
  SELECT p.period, 'transport_' || (d.transport <> 'none'), d.municipality
  FROM known_decisions d JOIN periods p ON d.occurred_on BETWEEN p.p_from AND p.p_to
  WHERE d.outcome IN ('granted', 'partly_granted')
  UNION ALL
  SELECT p.period, 'start', s.municipality FROM known_service_starts s JOIN periods p ON s.occurred_on BETWEEN p.p_from AND p.p_to
  WHERE s.legal_basis = 'SEL104'
  UNION ALL
  SELECT p.period, 'end', e.municipality FROM known_service_ends e JOIN periods p ON e.occurred_on BETWEEN p.p_from AND p.p_to
  WHERE coalesce((SELECT arg_max(s.legal_basis, (s.occurred_on, s.recorded_at, s.event_id)) FROM known_service_starts s
                  WHERE s.municipality = e.municipality AND s.case_id = e.case_id AND s.offer_id = e.offer_id
                    AND s.occurred_on <= e.occurred_on), 'SEL104') = 'SEL104'
  UNION ALL
  SELECT period, 'in_effect', municipality FROM grants_in_effect
),
pivoted AS (
  SELECT period, municipality,
         count(*) FILTER (WHERE k = 'applications') AS applications,
         count(*) FILTER (WHERE k = 'withdrawn') AS withdrawn,
         count(*) FILTER (WHERE k LIKE 'decision_%') AS decisions,
         count(*) FILTER (WHERE k = 'decision_granted') AS granted,
         count(*) FILTER (WHERE k = 'decision_partly_granted') AS partly_granted,
         count(*) FILTER (WHERE k = 'decision_rejected') AS rejected,
         count(*) FILTER (WHERE k = 'in_effect') AS in_effect,
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
       coalesce(v.in_effect, 0) AS grantsInEffect,
       coalesce(v.starts, 0) AS starts,
       coalesce(v.ends, 0) AS ends,
       pct(coalesce(v.with_transport, 0), coalesce(v.grants_decided, 0)) AS transportSharePct
FROM periods p
CROSS JOIN report_municipalities m
LEFT JOIN pivoted v ON v.period IS NOT DISTINCT FROM p.period AND v.municipality = m.municipality
ORDER BY m.municipality, p.period;
