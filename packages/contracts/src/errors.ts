// The one error envelope every memsight HTTP API answers with.
import { Type, type Static } from 'typebox';

export const ErrorCode = Type.Union([
  Type.Literal('invalid_json'),
  Type.Literal('invalid_body'),
  Type.Literal('undecodable_body'),
  Type.Literal('invalid_request'),
  Type.Literal('unsupported_encoding'),
  Type.Literal('unauthorized'),
  Type.Literal('forbidden'),
  Type.Literal('not_found'),
  Type.Literal('conflict'),
  Type.Literal('payload_too_large'),
  Type.Literal('rate_limited'),
  Type.Literal('cardinality_limit'),
  Type.Literal('unavailable'),
  Type.Literal('decode_unavailable'),
  Type.Literal('database_unavailable'),
  Type.Literal('internal'),
]);
export type ErrorCode = Static<typeof ErrorCode>;

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: ErrorCode,
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'ErrorResponse' },
);
export type ErrorResponse = Static<typeof ErrorResponse>;
