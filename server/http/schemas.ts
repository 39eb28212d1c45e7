/** Request and response schemas shared by several routes. */
import { Type } from '@sinclair/typebox';

export const Uuid = Type.String({ format: 'uuid' });
export const IdParams = Type.Object({ id: Uuid });
export const RoomMode = Type.Union([Type.Literal('face_to_face'), Type.Literal('back_to_back'), Type.Literal('hearing')]);
export const DisputeType = Type.Union([
  Type.Literal('wage_arrears'),
  Type.Literal('work_injury'),
  Type.Literal('dismissal'),
  Type.Literal('social_insurance'),
  Type.Literal('other'),
]);
export const CaseStatus = Type.Union(
  ['submitted', 'accepted', 'rejected', 'assigned', 'scheduled', 'in_session', 'agreement_signed', 'ruled', 'closed'].map((s) =>
    Type.Literal(s),
  ),
);

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Phone = Type.String({ minLength: 7, maxLength: 20 });
const Claim = Type.Object(
  { description: Text(500), amount: Type.Number({ minimum: 0, maximum: 1e10 }) },
  { additionalProperties: false },
);
const Agent = Type.Object({ name: Text(40), phone: Phone }, { additionalProperties: false });

/** One worker of a collective application, or one who joins by the first applicant's share link. */
export const WorkerBody = Type.Object(
  {
    name: Text(40),
    idNumber: Type.String({ minLength: 18, maxLength: 18 }),
    phone: Phone,
    address: Text(200),
    claims: Type.Array(Claim, { minItems: 1, maxItems: 20 }),
  },
  { additionalProperties: false },
);

export const ApplicationBody = Type.Object(
  {
    idempotencyKey: Uuid,
    organisationId: Uuid,
    disputeType: DisputeType,
    facts: Text(4000),
    applicant: Type.Object(
      {
        name: Text(40),
        idNumber: Type.String({ minLength: 18, maxLength: 18 }),
        phone: Phone,
        address: Text(200),
        agent: Type.Optional(Agent),
      },
      { additionalProperties: false },
    ),
    employer: Type.Object(
      {
        name: Text(100),
        creditCode: Type.String({ minLength: 18, maxLength: 18 }),
        address: Text(200),
        contact: Text(60),
      },
      { additionalProperties: false },
    ),
    claims: Type.Array(Claim, { minItems: 1, maxItems: 20 }),
    /** A collective application (集体争议): the other workers, each with its own identity and claims. */
    workers: Type.Optional(Type.Array(WorkerBody, { maxItems: 200 })),
    /** Elected representatives: indexes into [applicant, ...workers]. */
    representatives: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 200 }), { maxItems: 5, uniqueItems: true })),
    /** Where the worker worked: a GB/T 2260 county code the organisation serves (regions.ts). */
    regionCode: Type.Optional(Type.String({ pattern: '^\\d{6}(\\d{3})?$' })),
    /** For the limitation warning (limitation.ts): never a reason to refuse. */
    employment: Type.Optional(
      Type.Object(
        {
          ended: Type.Union([Type.Boolean(), Type.Null()]),
          endedOn: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
          knewOn: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
        },
        { additionalProperties: false },
      ),
    ),
    preferredStaffId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const CounterclaimBody = Type.Object(
  {
    serialNumber: Text(40),
    respondentCode: Text(20),
    facts: Text(4000),
    claims: Type.Array(Claim, { minItems: 1, maxItems: 20 }),
    agent: Type.Optional(Agent),
  },
  { additionalProperties: false },
);
