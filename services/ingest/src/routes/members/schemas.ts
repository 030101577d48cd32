import { Type } from 'typebox';
import { AddedMember, AddMember, ErrorResponse, Me, Member, MemberList, UpdateMember } from '@memsight/contracts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };
// Better Auth's user ids are opaque text, not UUIDs.
const MemberParams = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 200 }) });

export const meSchema = {
  tags: ['members'],
  summary: 'The signed-in person, their projects and the one this request acts on (dashboard sessions only, not API keys)',
  response: { 200: Me, ...errors },
};
export const listMembersSchema = {
  tags: ['members'],
  summary: "The project's members and their roles",
  response: { 200: MemberList, ...errors },
};
export const addMemberSchema = {
  tags: ['members'],
  summary: 'Add a person by email; one without an account is created with the given initial password',
  body: AddMember,
  response: { 201: AddedMember, ...errors },
};
export const updateMemberSchema = {
  tags: ['members'],
  summary: "Change a member's role; the project's last admin stays an admin",
  params: MemberParams,
  body: UpdateMember,
  response: { 200: Member, ...errors },
};
export const removeMemberSchema = {
  tags: ['members'],
  summary: 'Remove a member from the project (not their account); the last admin cannot be removed',
  params: MemberParams,
  response: { 204: Type.Null(), ...errors },
};
