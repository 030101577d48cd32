// Every alert kind's detector, by kind: the evaluator's one entry point.
import type { AlertKind, RuleParams } from '@memsight/contracts';
import { dataLoss } from './data-loss';
import { fragmentation } from './fragmentation';
import { gc } from './gc';
import { leak } from './leak';
import { resourceLeak } from './resource-leak';
import { threshold } from './threshold';
import { timeToLimit } from './time-to-limit';
import type { Detector } from './types';

export const DETECTORS: { [K in AlertKind]: Detector<RuleParams[K]> } = {
  leak,
  'time-to-limit': timeToLimit,
  fragmentation,
  'resource-leak': resourceLeak,
  gc,
  threshold,
  'data-loss': dataLoss,
};
