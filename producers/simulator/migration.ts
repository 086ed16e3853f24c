import { Kind } from './agenda.ts';
import { nextWorkday, type Day } from './calendar.ts';
import type { Case } from './cases.ts';
import type { LegalBasisChange } from './profiles.ts';
import { newCaseId, type Run } from './run.ts';
import { pause } from './services.ts';

/**
 * An offer moves from §104 to §82a on `day` (contract §1): every running §104 service there ends
 * the day before (legal_basis_changed). Most citizens carry on under §82a in a new case with no
 * application or decision, some move to another §104 offer, some stop, and a couple are left
 * recorded as §104, as happens in real case systems.
 */
export function changeLegalBasis(run: Run, change: LegalBasisChange, day: Day): void {
  const { rng, rec, agenda } = run;
  rec.offer('OfferLegalBasisChanged', day, { offerId: change.offerId, from: 'SEL104', to: 'SEL82a' });
  run.offerBasis.set(change.offerId, 'SEL82a');

  const cohort = run.active.filter((c) => c.status === 'active' && c.offerId === change.offerId && c.endDay === Infinity);
  const left = new Set<Case>();
  while (left.size < Math.min(change.notEnded, cohort.length)) left.add(rng.pick(cohort));

  for (const c of cohort) {
    if (left.has(c)) {
      c.frozen = true;
      continue;
    }
    pause(run, c, day - 1, 'legal_basis_changed');
    const u = rng.next();
    if (u < change.continueShare) {
      c.status = 'closed';
      agenda.at(day + rng.int(0, 30), { kind: Kind.Continue82a, c });
    } else if (u < change.continueShare + change.moveShare) {
      agenda.at(nextWorkday(day + rng.int(7, 80)), { kind: Kind.Restart, c });
    } else {
      c.status = 'closed';
    }
  }
}

/** The §82a continuation: a new case, keyed to the citizen, with no application and no decision. */
export function continueUnder82a(run: Run, c: Case, day: Day, offerId: string): void {
  run.rec.case('ServiceStarted', newCaseId(run), day, { offerId, legalBasis: 'SEL82a', citizenId: c.citizenId });
}
