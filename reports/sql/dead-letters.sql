-- Rejected input by reason (the dead-letter store): one row per field path and rule, counting
-- lines. Anchor: the date a line was received (Europe/Copenhagen), which --as-of also filters
-- on. Dead letters have no trusted municipality, so --municipality does not filter them.
WITH reasons AS (
  SELECT p.period, unnest(from_json(d.reasons, '[{"path":"VARCHAR","rule":"VARCHAR"}]')) AS r
  FROM log.dead_letters d
  JOIN periods p ON CAST(timezone('Europe/Copenhagen', d.received_at) AS DATE) BETWEEN p.p_from AND p.p_to
  WHERE d.received_at <= getvariable('as_of')
)
SELECT period, r.path AS path, r.rule AS rule, count(*) AS lines
FROM reasons
GROUP BY ALL
ORDER BY period, lines DESC, path, rule;
