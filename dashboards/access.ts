import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { Sel104Error } from '../schemas/errors.ts';

/**
 * Access tokens (`SEL104_TOKENS`): comma-separated `TOKEN:ROLE[+ROLE]` entries, for example
 * `9f2c…e1:read+ingest,77ab…03:read,c0un…42:council`. Roles: `read` (reports, pages),
 * `ingest` (POST /api/events), `council` (GET /api/reports/NAME only, and only the public
 * version: aggregate reports with small numbers suppressed, reports/public.ts; a token that also
 * has `read` gets the full reports). Tokens must be at least 24 characters, so a guessable word
 * is refused at start-up.
 */
export const ROLES = ['read', 'ingest', 'council'] as const;
export type Role = (typeof ROLES)[number];

const Entry = z.string().regex(/^[A-Za-z0-9._~-]{24,}:(read|ingest|council)(\+(read|ingest|council))*$/, 'must be TOKEN:ROLE[+ROLE], the token at least 24 characters of A–Z a–z 0–9 . _ ~ -, roles read, ingest and council');

export interface AccessTokens {
  /** The roles of a bearer token, or undefined for an unknown token. */
  rolesOf(token: string): ReadonlySet<Role> | undefined;
  size: number;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

export function parseTokens(spec: string | undefined): AccessTokens {
  const entries = (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  // A token listed more than once has the roles of all its entries.
  const byToken = new Map<string, Set<Role>>();
  entries.forEach((entry, i) => {
    const r = Entry.safeParse(entry);
    if (!r.success) throw new Sel104Error('SEL104_ERR_USAGE', `SEL104_TOKENS entry ${i + 1}: ${r.error.issues[0]!.message}`);
    const [token, roles] = entry.split(':') as [string, string];
    const held = byToken.get(token) ?? new Set<Role>();
    for (const role of roles.split('+') as Role[]) held.add(role);
    byToken.set(token, held);
  });
  const tokens = [...byToken].map(([token, roles]) => ({ hash: digest(token), roles }));
  return {
    size: tokens.length,
    // Compared as SHA-256 digests in constant time, so the comparison leaks nothing about a token.
    rolesOf(token) {
      const h = digest(token);
      return tokens.find((t) => timingSafeEqual(t.hash, h))?.roles;
    },
  };
}
