import { z } from 'zod';
import { birthMonth, bool, id, intRange, isoDate, municipalityCode, oneOf, timestampWithOffset } from './primitives.ts';

/** Contract §1. Each event type is one strict zod object; everything else is derived from these. */

export const SCHEMA_VERSIONS = [1] as const;
export const CURRENT_SCHEMA_VERSION = 1;

const legalBasis = oneOf(['SEL104', 'SEL82a']);
const daysPerWeek = intRange(1, 5);
const transport = oneOf(['none', 'public', 'arranged']);

const data = <T extends z.ZodRawShape>(shape: T) => z.strictObject(shape, { error: 'must be an object' });

export const offerData = {
  OfferRegistered: data({
    offerId: id,
    name: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
    provider: z.strictObject(
      {
        name: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
        kind: oneOf(['municipal', 'other_municipality', 'regional', 'private']),
      },
      { error: 'must be an object' },
    ),
    legalBasis,
    approvedBySocialtilsyn: bool,
    listedOnTilbudsportalen: bool,
    capacity: z.number({ error: 'must be a whole number > 0' }).int('must be a whole number > 0').positive('must be a whole number > 0').optional(),
  }),
  OfferLegalBasisChanged: data({ offerId: id, from: legalBasis, to: legalBasis }).refine((d) => d.from !== d.to, {
    message: 'must differ from "from"',
    path: ['to'],
  }),
} as const;

const grant = z.strictObject(
  { offerId: id, daysPerWeek, transport, startDate: isoDate },
  { error: 'must be an object' },
);

export const caseData = {
  ApplicationReceived: data({
    citizenId: id,
    birthMonth,
    channel: oneOf(['oral', 'written', 'digital']),
    submittedBy: oneOf(['citizen', 'relative', 'other']),
    requestedDaysPerWeek: daysPerWeek.optional(),
  }),
  ApplicationWithdrawn: data({}),
  AssessmentCompleted: data({
    method: oneOf(['VUM', 'other']),
    functionLevel: intRange(0, 4),
    canAttendShelteredEmployment: bool.optional(),
  }),
  DeadlineExtensionNotified: data({
    expectedDecisionDate: isoDate,
    reason: z.string({ error: 'must be a string' }).max(500, 'must be at most 500 characters').optional(),
  }),
  DecisionMade: data({
    decisionId: id,
    outcome: oneOf(['granted', 'partly_granted', 'rejected']),
    legalBasis: oneOf(['SEL104']),
    grant: grant.optional(),
    rejectionReason: oneOf(['not_target_group', 'sheltered_employment', 'other_legislation', 'other']).optional(),
    referredToOpenOffer: bool.optional(),
  }).superRefine((d, ctx) => {
    if (d.outcome !== 'rejected' && d.grant === undefined) {
      ctx.addIssue({ code: 'custom', path: ['grant'], message: `required when outcome is ${d.outcome}` });
    }
    if (d.outcome === 'rejected' && d.grant !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['grant'], message: 'must be absent when outcome is rejected' });
    }
  }),
  ActionPlanRecorded: data({ offered: bool, accepted: bool }),
  ServiceStarted: data({ offerId: id, legalBasis, citizenId: id.optional() }),
  GrantChanged: data({
    decisionId: id,
    daysPerWeek: daysPerWeek.optional(),
    offerId: id.optional(),
    transport: transport.optional(),
  }).refine((d) => d.daysPerWeek !== undefined || d.offerId !== undefined || d.transport !== undefined, {
    message: 'must change at least one of daysPerWeek, offerId, transport',
  }),
  AttendanceRegistered: data({ offerId: id, status: oneOf(['attended', 'cancelled', 'no_show']) }),
  FollowUpHeld: data({
    participants: z
      .array(oneOf(['citizen', 'advisor', 'provider', 'relative']), { error: 'must be a list' })
      .min(1, 'must name at least one participant'),
    outcome: oneOf(['continue', 'change', 'end']),
  }),
  ServiceEnded: data({
    offerId: id,
    reason: oneOf(['citizen_request', 'not_benefiting', 'no_longer_eligible', 'moved', 'deceased', 'legal_basis_changed', 'other']),
  }),
  ComplaintReceived: data({
    complaintId: id,
    subject: oneOf(['decision', 'case_handling']),
    decisionId: id.optional(),
    channel: oneOf(['oral', 'written']),
  }).refine((d) => d.subject !== 'decision' || d.decisionId !== undefined, {
    message: 'required when subject is decision',
    path: ['decisionId'],
  }),
  ComplaintReassessed: data({ complaintId: id, result: oneOf(['full_reversal', 'partial', 'maintained']) }),
  ComplaintForwarded: data({ complaintId: id }),
  AppealDecided: data({ complaintId: id, outcome: oneOf(['upheld', 'changed_or_annulled', 'remitted', 'dismissed']) }),
} as const;

export type OfferEventType = keyof typeof offerData;
export type CaseEventType = keyof typeof caseData;
export type EventType = OfferEventType | CaseEventType;
export const OFFER_EVENT_TYPES = Object.keys(offerData) as OfferEventType[];
export const CASE_EVENT_TYPES = Object.keys(caseData) as CaseEventType[];
export const EVENT_TYPES: readonly EventType[] = [...OFFER_EVENT_TYPES, ...CASE_EVENT_TYPES];

const envelope = {
  eventId: id,
  schemaVersion: z.literal(1, { error: `unsupported schemaVersion; supported: ${SCHEMA_VERSIONS.join(', ')}` }),
  municipality: municipalityCode,
  occurredOn: isoDate,
  recordedAt: timestampWithOffset.optional(),
  source: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(100, 'must be at most 100 characters').optional(),
};

const offerEvent = <T extends OfferEventType>(type: T) =>
  z.strictObject({ ...envelope, type: z.literal(type), data: offerData[type] as (typeof offerData)[T] });
const caseEvent = <T extends CaseEventType>(type: T) =>
  z.strictObject({ ...envelope, type: z.literal(type), caseId: id, data: caseData[type] as (typeof caseData)[T] });

export const eventSchemas = {
  OfferRegistered: offerEvent('OfferRegistered'),
  OfferLegalBasisChanged: offerEvent('OfferLegalBasisChanged'),
  ApplicationReceived: caseEvent('ApplicationReceived'),
  ApplicationWithdrawn: caseEvent('ApplicationWithdrawn'),
  AssessmentCompleted: caseEvent('AssessmentCompleted'),
  DeadlineExtensionNotified: caseEvent('DeadlineExtensionNotified'),
  DecisionMade: caseEvent('DecisionMade'),
  ActionPlanRecorded: caseEvent('ActionPlanRecorded'),
  ServiceStarted: caseEvent('ServiceStarted'),
  GrantChanged: caseEvent('GrantChanged'),
  AttendanceRegistered: caseEvent('AttendanceRegistered'),
  FollowUpHeld: caseEvent('FollowUpHeld'),
  ServiceEnded: caseEvent('ServiceEnded'),
  ComplaintReceived: caseEvent('ComplaintReceived'),
  ComplaintReassessed: caseEvent('ComplaintReassessed'),
  ComplaintForwarded: caseEvent('ComplaintForwarded'),
  AppealDecided: caseEvent('AppealDecided'),
} as const satisfies Record<EventType, z.ZodType>;

/** The union of every event: the one schema that ingest validates against and `sel104 schema` prints. */
export const Event = z.discriminatedUnion('type', Object.values(eventSchemas) as [
  (typeof eventSchemas)[EventType],
  ...(typeof eventSchemas)[EventType][],
]);

export type Event = z.infer<typeof Event>;
export type EventOf<T extends EventType> = z.infer<(typeof eventSchemas)[T]>;
export type CaseEvent = Extract<Event, { caseId: string }>;
