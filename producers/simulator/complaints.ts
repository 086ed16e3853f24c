import { grant } from './applications.ts';
import { Kind } from './agenda.ts';
import { nextWorkday, weekday, type Day } from './calendar.ts';
import { weekdayMask, type Case, type Complaint } from './cases.ts';
import { weighted } from './random.ts';
import { newComplaintId, type Run } from './run.ts';

/** Complaints: reassessment by the municipality, forwarding to Ankestyrelsen, the appeal decision. */

const CHANNEL = weighted({ oral: 30, written: 70 });
const REASSESSMENT = weighted({ full_reversal: 15, partial: 15, maintained: 70 });
// Ankestyrelsen's categories; upheld (stadfæstet) is by far the most common.
const APPEAL = weighted({ upheld: 60, changed_or_annulled: 12, remitted: 18, dismissed: 10 });
const LATE_FORWARD_SHARE = 0.12;

export function receiveComplaint(run: Run, c: Case, k: Complaint, day: Day): void {
  const { rng, rec, agenda } = run;
  rec.case('ComplaintReceived', c.id, day, { complaintId: k.id, subject: 'decision', decisionId: k.decisionId, channel: CHANNEL.draw(rng) });
  agenda.at(nextWorkday(day + rng.int(5, 18)), { kind: Kind.Reassess, c, complaint: k });
}

/** Complaints about conduct or delays go to a department head and never reach Ankestyrelsen. */
export function receiveCaseHandlingComplaint(run: Run, c: Case, day: Day): void {
  if (c.status !== 'pending') return;
  run.rec.case('ComplaintReceived', c.id, day, { complaintId: newComplaintId(run), subject: 'case_handling', channel: CHANNEL.draw(run.rng) });
}

export function reassess(run: Run, c: Case, k: Complaint, day: Day): void {
  const { rng, rec, agenda } = run;
  const result = REASSESSMENT.draw(rng);
  rec.case('ComplaintReassessed', c.id, day, { complaintId: k.id, result });
  if (result === 'full_reversal') {
    reverse(run, c, k, day);
    return;
  }
  // The municipality forwards within 4 weeks of receiving the complaint; a few are forwarded late.
  let forward: Day;
  if (rng.chance(LATE_FORWARD_SHARE)) forward = nextWorkday(k.received + rng.int(29, 56));
  else {
    forward = Math.max(day + 1, k.received + rng.int(14, 28));
    while (weekday(forward) >= 5) forward--;
    if (forward <= day) forward = nextWorkday(day + 1);
  }
  agenda.at(forward, { kind: Kind.Forward, c, complaint: k });
}

function reverse(run: Run, c: Case, k: Complaint, day: Day): void {
  if (k.outcome === 'rejected' && c.status === 'closed' && c.decisionId === k.decisionId) {
    grant(run, c, day, 'granted');
  } else if (k.outcome === 'partly_granted' && c.decisionId === k.decisionId && c.daysPerWeek < c.requested) {
    if (c.status === 'active' || c.status === 'granted' || c.status === 'paused') {
      c.daysPerWeek = c.requested;
      c.mask = weekdayMask(run.rng, c.daysPerWeek);
      run.rec.case('GrantChanged', c.id, day, { decisionId: c.decisionId, daysPerWeek: c.daysPerWeek });
    }
  }
}

export function forward(run: Run, c: Case, k: Complaint, day: Day): void {
  run.rec.case('ComplaintForwarded', c.id, day, { complaintId: k.id });
  run.agenda.at(nextWorkday(day + run.rng.int(60, 240)), { kind: Kind.Appeal, c, complaint: k });
}

export function decideAppeal(run: Run, c: Case, k: Complaint, day: Day): void {
  run.rec.case('AppealDecided', c.id, day, { complaintId: k.id, outcome: APPEAL.draw(run.rng) });
}
