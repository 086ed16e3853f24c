/**
 * Per-municipality behaviour of the simulated case systems. Together with standards/ this is the
 * only place that knows Lejre and Roskilde facts; the engine reads everything from a Profile.
 *
 * The standards say what the rules are; a profile says how the municipality behaves (volumes,
 * mixes, how often it misses a rule). Deadlines are repeated here because the simulator models
 * case workers aiming at them, not because it checks them.
 */

export type OfferKind = 'municipal' | 'other_municipality' | 'regional' | 'private';
export type Transport = 'none' | 'public' | 'arranged';

export interface OfferProfile {
  id: string;
  name: string;
  provider: { name: string; kind: OfferKind };
  approvedBySocialtilsyn: boolean;
  listedOnTilbudsportalen: boolean;
  /** Places at scale 1; multiplied by --scale when registered. */
  capacity: number;
}

/** Days from application to decision: triangular(lo, mode, hi), plus a tail beyond hi. */
export interface ProcessingSpread {
  lo: number;
  mode: number;
  hi: number;
  tailShare: number;
  tailMeanDays: number;
}

/** Behaviour for applications received on or after `from` (mirrors a standard version). */
export interface Regime {
  from: string;
  deadlineWeeks: number | null;
  processing: ProcessingSpread;
  /** Share of over-deadline decisions where the citizen was told in writing beforehand. */
  extensionNoticeShare: number;
  /** Weights of function levels 0–4 among applicants. */
  levelWeights: readonly [number, number, number, number, number];
  vumShare: number;
  /** Applicants below this level are usually rejected as not in the target group. */
  targetLevel: number;
  belowTargetGrantShare: number;
  /** Rejections among applicants who are in the target group (other legislation, other). */
  baseRejectShare: number;
  partlyShare: number;
  /** Share of rejections that refer the citizen to an open (unvisited) offer. */
  openOfferReferralShare: number;
  actionPlan: { recordShare: number; lateShare: number; acceptedShare: number };
  /** Lejre 2021 §12: many cancellations lead to a dialogue (an extra follow-up). */
  absenceDialogue: boolean;
  offerWeights: Readonly<Record<string, number>>;
}

export interface LegalBasisChange {
  offerId: string;
  date: string;
  /** Of the cases at the offer on the day before: continue under §82a, move to another §104 offer. */
  continueShare: number;
  moveShare: number;
  /** Cases left recorded as §104 (no ServiceEnded): a data-quality finding on purpose. */
  notEnded: number;
}

export interface Profile {
  code: string;
  source: string;
  /** Active §104 cases at scale 1 in steady state (issue: Lejre 40–70, Roskilde 200–300). */
  targetActive: number;
  applicationsPerYear: number;
  meanServiceYears: number;
  under18Share: number;
  overPensionShare: number;
  /** Roskilde's target group ends at folkepensionsalder, so grants end when it is reached. */
  endsAtPensionAge: boolean;
  transport: Readonly<Record<Transport, number>>;
  offers: readonly OfferProfile[];
  regimes: readonly Regime[];
  legalBasisChange?: LegalBasisChange;
}

/**
 * Assumption: the Roskilde seed says Monday knights/Tirsdagsklubben "er overgået" to §82a but
 * gives no date. The simulator moves it on 2023-08-01.
 */
export const ROSKILDE_82A_DATE = '2023-08-01';

const approved = { approvedBySocialtilsyn: true, listedOnTilbudsportalen: true } as const;

// Lejre has no own §104 offers (2021 §8/§10); every provider name below is fictional.
const lejreOffers: OfferProfile[] = [
  { id: '350-o-nord', name: 'Fiktiv Dagcenter Nord ApS', provider: { name: 'Fiktiv Dagcenter Nord ApS', kind: 'private' }, ...approved, capacity: 20 },
  { id: '350-o-aktivhus', name: 'Eksempelkommune Aktivitetshus', provider: { name: 'Eksempelkommune', kind: 'other_municipality' }, ...approved, capacity: 20 },
  { id: '350-o-vaerksted', name: 'Modelby Kommune Værkstedet', provider: { name: 'Modelby Kommune', kind: 'other_municipality' }, ...approved, capacity: 12 },
  { id: '350-o-cafe', name: 'Fiktiv Social Café I/S', provider: { name: 'Fiktiv Social Café I/S', kind: 'private' }, ...approved, capacity: 12 },
  // Not approved and not listed: grants here under the 2021 standard are provider_not_approved.
  { id: '350-o-demo', name: 'Demo Dagtilbud Syd ApS', provider: { name: 'Demo Dagtilbud Syd ApS', kind: 'private' }, approvedBySocialtilsyn: false, listedOnTilbudsportalen: false, capacity: 8 },
  // Approved but missing from Tilbudsportalen: also fails the 2021 rule, which needs both.
  { id: '350-o-naturhold', name: 'Prøvehuset Naturhold', provider: { name: 'Prøvehuset Naturhold ApS', kind: 'private' }, approvedBySocialtilsyn: true, listedOnTilbudsportalen: false, capacity: 6 },
];

/** Every simulated event's `source` starts so (the pages tell the demo's figures by it). */
export const SIMULATED_SOURCE_PREFIX = 'sim-';

const LEJRE: Profile = {
  code: '350',
  source: `${SIMULATED_SOURCE_PREFIX}lejre`,
  targetActive: 55,
  applicationsPerYear: 25,
  meanServiceYears: 3.5,
  under18Share: 0.03,
  overPensionShare: 0,
  endsAtPensionAge: false,
  transport: { none: 30, public: 20, arranged: 50 },
  offers: lejreOffers,
  regimes: [
    {
      // standards/350.json lejre-old: 20 weeks.
      from: '2019-01-01',
      deadlineWeeks: 20,
      processing: { lo: 21, mode: 84, hi: 140, tailShare: 0.1, tailMeanDays: 21 },
      extensionNoticeShare: 0.6,
      levelWeights: [0.02, 0.05, 0.15, 0.45, 0.33],
      vumShare: 1,
      targetLevel: 2,
      belowTargetGrantShare: 0.3,
      baseRejectShare: 0.08,
      partlyShare: 0.09,
      openOfferReferralShare: 0.4,
      actionPlan: { recordShare: 0.3, lateShare: 0.3, acceptedShare: 0.85 },
      absenceDialogue: false,
      offerWeights: { '350-o-nord': 25, '350-o-aktivhus': 25, '350-o-vaerksted': 15, '350-o-cafe': 15, '350-o-demo': 12, '350-o-naturhold': 8 },
    },
    {
      // standards/350.json lejre-2021: 12 weeks, VUM 3–4, action plan with every grant.
      from: '2022-01-01',
      deadlineWeeks: 12,
      processing: { lo: 14, mode: 49, hi: 84, tailShare: 0.13, tailMeanDays: 18 },
      extensionNoticeShare: 0.6,
      levelWeights: [0.01, 0.03, 0.1, 0.5, 0.36],
      vumShare: 1,
      targetLevel: 3,
      belowTargetGrantShare: 0.35,
      baseRejectShare: 0.08,
      partlyShare: 0.09,
      openOfferReferralShare: 0.35,
      actionPlan: { recordShare: 0.93, lateShare: 0.03, acceptedShare: 0.9 },
      absenceDialogue: true,
      offerWeights: { '350-o-nord': 28, '350-o-aktivhus': 28, '350-o-vaerksted': 18, '350-o-cafe': 18, '350-o-demo': 4, '350-o-naturhold': 4 },
    },
  ],
};

const roskildeOwn = (id: string, name: string, capacity: number): OfferProfile => ({
  id,
  name,
  provider: { name: 'Roskilde Kommune', kind: 'municipal' },
  ...approved,
  capacity,
});

const ROSKILDE: Profile = {
  code: '265',
  source: `${SIMULATED_SOURCE_PREFIX}roskilde`,
  targetActive: 250,
  applicationsPerYear: 125,
  meanServiceYears: 3.5,
  under18Share: 0.02,
  overPensionShare: 0.015,
  endsAtPensionAge: true,
  transport: { none: 50, public: 30, arranged: 20 },
  offers: [
    roskildeOwn('265-o-itc', 'ITC Svogerslev', 60),
    roskildeOwn('265-o-skovhjaelperne', 'Skovhjælperne', 35),
    roskildeOwn('265-o-klubvi', 'Klub VI', 45),
    roskildeOwn('265-o-alletiders', 'Alletiders Højskole', 40),
    roskildeOwn('265-o-scr', 'SCR Klub', 30),
    roskildeOwn('265-o-makers', 'Makers Corner', 8),
    roskildeOwn('265-o-mondayknights', 'Monday knights/Tirsdagsklubben', 25),
    { id: '265-o-regional', name: 'Fiktivt Regionalt Dagtilbud Vest', provider: { name: 'Eksempelregionen', kind: 'regional' }, ...approved, capacity: 20 },
    { id: '265-o-privat', name: 'Fiktiv Værkstedsfællesskab ApS', provider: { name: 'Fiktiv Værkstedsfællesskab ApS', kind: 'private' }, ...approved, capacity: 15 },
    { id: '265-o-aktivhus', name: 'Eksempelkommune Aktivitetshus', provider: { name: 'Eksempelkommune', kind: 'other_municipality' }, ...approved, capacity: 10 },
  ],
  regimes: [
    {
      // standards/265.json: no deadline; decisions spread over roughly 4–16 weeks.
      from: '2019-01-01',
      deadlineWeeks: null,
      processing: { lo: 28, mode: 56, hi: 112, tailShare: 0.05, tailMeanDays: 28 },
      extensionNoticeShare: 0,
      levelWeights: [0.04, 0.1, 0.26, 0.35, 0.25],
      vumShare: 0.8,
      targetLevel: 2,
      belowTargetGrantShare: 0.3,
      baseRejectShare: 0.08,
      partlyShare: 0.09,
      openOfferReferralShare: 0,
      actionPlan: { recordShare: 0.35, lateShare: 0.2, acceptedShare: 0.7 },
      absenceDialogue: false,
      // Own offers first; Makers Corner has few places.
      offerWeights: {
        '265-o-itc': 20, '265-o-skovhjaelperne': 12, '265-o-klubvi': 16, '265-o-alletiders': 14, '265-o-scr': 10,
        '265-o-makers': 4, '265-o-mondayknights': 9, '265-o-regional': 7, '265-o-privat': 5, '265-o-aktivhus': 3,
      },
    },
  ],
  legalBasisChange: { offerId: '265-o-mondayknights', date: ROSKILDE_82A_DATE, continueShare: 0.72, moveShare: 0.14, notEnded: 2 },
};

export const PROFILES: Readonly<Record<string, Profile>> = { '350': LEJRE, '265': ROSKILDE };
