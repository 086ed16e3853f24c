/**
 * The rules a line can be rejected for (schemas/validate.ts, schemas/primitives.ts,
 * schemas/events.ts, producers/bulkValidation.ts), and a dashboard filter, in Danish, for the
 * Danish dashboards. The
 * dead-letter store, the CLI and the API keep the English rule; a page rewrites it by the first
 * pattern that matches ($1 … are the pattern's groups: field names, values and limits stay as
 * they are). A rule no pattern matches is shown in English.
 */
export const DANISH_RULES: readonly (readonly [RegExp, string])[] = [
  [/^required$/, 'skal udfyldes'],
  [/^unknown field$/, 'ukendt felt'],
  [/^required when (\S+) is (\S+)$/, 'skal udfyldes, når $1 er $2'],
  [/^must be absent when (\S+) is (\S+)$/, 'skal udelades, når $1 er $2'],
  [/^must be an object$/, 'skal være et objekt'],
  [/^must be a string$/, 'skal være en tekst'],
  [/^must be a list$/, 'skal være en liste'],
  [/^must not be empty$/, 'må ikke være tom'],
  [/^must be at most (\d+) characters$/, 'må højst have $1 tegn'],
  [/^must be an integer$/, 'skal være et helt tal'],
  [/^must be a whole number > 0$/, 'skal være et helt tal over 0'],
  [/^must be a whole number (\d+)–(\d+)$/, 'skal være et helt tal fra $1 til $2'],
  [/^must be (\d+)–(\d+)$/, 'skal være fra $1 til $2'],
  [/^must be one of (.+)$/, 'skal være en af $1'],
  [/^must be true or false$/, 'skal være true eller false'],
  [/^must differ from "(\S+)"$/, 'skal være forskellig fra "$1"'],
  [/^must change at least one of (.+)$/, 'skal ændre mindst én af $1'],
  [/^must name at least one participant$/, 'skal nævne mindst én deltager'],
  [/^must be a date YYYY-MM-DD$|^must be a date in the format YYYY-MM-DD$/, 'skal være en dato på formen ÅÅÅÅ-MM-DD'],
  [/^must be a real calendar date$/, 'skal være en dato, der findes i kalenderen'],
  [/^must be an ISO 8601 timestamp with offset, e\.g\. (\S+)$/, 'skal være et ISO 8601-tidspunkt med tidszone, f.eks. $1'],
  [/^must be an ISO 8601 timestamp with offset$/, 'skal være et ISO 8601-tidspunkt med tidszone'],
  [/^must be a month YYYY-MM$/, 'skal være en måned på formen ÅÅÅÅ-MM'],
  [/^must be a 3-digit municipality code$/, 'skal være en kommunekode på 3 cifre'],
  [/^looks like a CPR number; no CPR number may enter the pipeline$/, 'ligner et CPR-nummer; intet CPR-nummer må komme ind i pipelinen'],
  [/^unsupported schemaVersion( \S+)?; supported: (.+)$/, 'schemaVersion$1 understøttes ikke; understøttet: $2'],
  [/^unknown event type (.+); expected one of (.+)$/, 'ukendt hændelsestype $1; forventet en af $2'],
  // (the parser's own words in the parentheses stay English)
  [/^not valid JSON \((.*)\)$/s, 'ikke gyldig JSON ($1)'],
  [/^must be one JSON object per line, not an array$/, 'skal være ét JSON-objekt pr. linje, ikke en liste'],
  [/^must be one JSON object per line, not null$/, 'skal være ét JSON-objekt pr. linje, ikke null'],
  [/^must be one JSON object per line, not a string$/, 'skal være ét JSON-objekt pr. linje, ikke en tekst'],
  [/^must be one JSON object per line, not a number$/, 'skal være ét JSON-objekt pr. linje, ikke et tal'],
  [/^must be one JSON object per line, not a boolean$/, 'skal være ét JSON-objekt pr. linje, ikke true eller false'],
  [/^empty line; expected one JSON object$/, 'tom linje; der skal være ét JSON-objekt'],
  [/^not valid UTF-8; NDJSON must be UTF-8 encoded$/, 'ikke gyldig UTF-8; NDJSON skal være UTF-8-kodet'],
  [
    /^longer than 1 MiB; one event is a JSON object of a few kilobytes at most \(the first 1,000 bytes of the line are kept\)$/,
    'længere end 1 MiB; én hændelse er et JSON-objekt på højst nogle få kilobyte (linjens første 1.000 byte gemmes)',
  ],
  // the dashboards' filters (report parameters, reports/params.ts and reports/runner.ts)
  [/^no quality standard for (.*) \(have (.*)\)$/, 'ingen kvalitetsstandard for $1 (der er en for $2)'],
  [/^must not be after to \((.*)\)$/, 'må ikke ligge efter til-datoen ($1)'],
  [/^must be given once$/, 'må kun angives én gang'],
  [/^no offer "(.*)" is registered or named by any event$/, 'intet tilbud "$1" er registreret eller nævnt i en hændelse'],
];

/** A rule in Danish: rewritten by the first pattern that matches, else as it is. */
export function danishRule(rule: string): string {
  const found = DANISH_RULES.find(([pattern]) => pattern.test(rule));
  return found ? rule.replace(found[0], found[1]) : rule;
}
