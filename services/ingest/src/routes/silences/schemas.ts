import { Type } from 'typebox';
import { CreateSilence, ErrorResponse, Silence, SilenceList } from '@memsight/contracts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse };

export const listSilencesSchema = {
  tags: ['silences'],
  summary: 'Silences that have not ended (expired=1: also those that ended in the last day)',
  querystring: Type.Object({ expired: Type.Optional(Type.Union([Type.Literal('0'), Type.Literal('1')])) }, { additionalProperties: false }),
  response: { 200: SilenceList, ...errors },
};
export const createSilenceSchema = {
  tags: ['silences'],
  summary: 'Silence alerts matching an app, an instance and/or a kind until endsAt: they are still tracked, not emailed',
  body: CreateSilence,
  response: { 201: Silence, ...errors },
};
export const expireSilenceSchema = {
  tags: ['silences'],
  summary: 'End a silence now',
  params: Type.Object({ silenceId: Type.String({ format: 'uuid' }) }),
  response: { 204: Type.Null(), ...errors },
};
