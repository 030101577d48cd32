import { Type } from 'typebox';
import { AlertKindSchema, AlertRule, AlertRuleList, CreateAlertRule, ErrorResponse, UpdateAlertRule } from '@memsight/contracts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };
const RuleParams = Type.Object({ ruleId: Type.String({ format: 'uuid' }) });

export const listRulesSchema = {
  tags: ['rules'],
  summary: "The project's alert rules: one default (builtin) rule per detector kind, plus overrides and threshold rules",
  querystring: Type.Object({ appId: Type.Optional(Type.String({ format: 'uuid' })), kind: Type.Optional(AlertKindSchema) }, { additionalProperties: false }),
  response: { 200: AlertRuleList, ...errors },
};
export const getRuleSchema = { tags: ['rules'], summary: 'One rule', params: RuleParams, response: { 200: AlertRule, ...errors } };
export const createRuleSchema = {
  tags: ['rules'],
  summary: 'Create a rule: a threshold on a catalogue metric, or a detector override for an app or an instance',
  body: CreateAlertRule,
  response: { 201: AlertRule, ...errors },
};
export const updateRuleSchema = {
  tags: ['rules'],
  summary: 'Change a rule; `params` replaces the stored params (what it leaves out takes the default)',
  params: RuleParams,
  body: UpdateAlertRule,
  response: { 200: AlertRule, ...errors },
};
export const deleteRuleSchema = {
  tags: ['rules'],
  summary: 'Delete a rule and its alerts; a default rule can only be disabled',
  params: RuleParams,
  response: { 204: Type.Null(), ...errors },
};
