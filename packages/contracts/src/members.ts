// People and their projects: who the signed-in person is (GET /api/me), and a
// project's members with their roles. A member reads the project and works its
// alerts; an admin also changes rules, channels, keys and members.
import { Type, type Static } from 'typebox';

export const MEMBER_ROLES = ['member', 'admin'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];
export const MemberRoleSchema = Type.Enum(MEMBER_ROLES);

/** Better Auth's own limits: it refuses passwords outside them, so the schema says so first and names the field. */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

const IsoTime = Type.String({ format: 'date-time' });

export const Member = Type.Object({
  userId: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: MemberRoleSchema,
  addedAt: IsoTime,
});
export type Member = Static<typeof Member>;
export const MemberList = Type.Object({ members: Type.Array(Member) }, { $id: 'MemberList' });
export type MemberList = Static<typeof MemberList>;

export const AddMember = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 320 }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Used only when the person is created here; an existing person keeps their name.' })),
    role: MemberRoleSchema,
    password: Type.Optional(
      Type.String({
        minLength: PASSWORD_MIN_LENGTH,
        maxLength: PASSWORD_MAX_LENGTH,
        description: 'The initial password, required when no one has this email yet; ignored for an existing person (their password is theirs).',
      }),
    ),
  },
  { additionalProperties: false, $id: 'AddMember' },
);
export type AddMember = Static<typeof AddMember>;

export const AddedMember = Type.Object(
  { member: Member, personCreated: Type.Boolean({ description: 'true when this call created the person with the given password.' }) },
  { $id: 'AddedMember' },
);
export type AddedMember = Static<typeof AddedMember>;

export const UpdateMember = Type.Object({ role: MemberRoleSchema }, { additionalProperties: false, $id: 'UpdateMember' });
export type UpdateMember = Static<typeof UpdateMember>;

export const MyProject = Type.Object({ id: Type.String(), name: Type.String(), slug: Type.String(), role: MemberRoleSchema });
export type MyProject = Static<typeof MyProject>;

export const Me = Type.Object(
  {
    user: Type.Object({ id: Type.String(), email: Type.String(), name: Type.String() }),
    projects: Type.Array(MyProject),
    currentProjectId: Type.Union([Type.String(), Type.Null()], {
      description: 'The project the other API calls act on with these headers: the x-memsight-project one if you belong to it, else your first; null if the header names a project you are not in, or you have none.',
    }),
  },
  { $id: 'Me' },
);
export type Me = Static<typeof Me>;
