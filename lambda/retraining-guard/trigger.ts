/**
 * What asked the retraining guard to act, in words, from the EventBridge event that invoked it: an
 * acting `Drift verdict` of the drift monitor, or a quality alarm going to ALARM. Pure; the event
 * is checked, not trusted: anything else throws a {@link TriggerError} naming what was received.
 */
import {
  MONITORING_DETAIL_TYPES,
  MONITORING_EVENT_SOURCE,
  type DriftVerdictDetail,
} from '../../lib/contracts/monitoring-events';
import { shown } from '../../lib/contracts/shown';

/** The `source` and `detail-type` of a CloudWatch alarm's state change (CloudWatch user guide, "Alarm events and EventBridge"). */
export const ALARM_EVENT = { source: 'aws.cloudwatch', detailType: 'CloudWatch Alarm State Change' } as const;

/** Thrown when the event is not one the guard acts on. The message names what was received. */
export class TriggerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TriggerError';
  }
}

/** The longest trigger text: the event's detail is small, and the dashboard shows it in a table. */
export const TRIGGER_MAX_LENGTH = 512;

function clip(text: string): string {
  return text.length <= TRIGGER_MAX_LENGTH ? text : `${text.slice(0, TRIGGER_MAX_LENGTH - 1)}…`;
}

function objectAt(value: unknown, what: string): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TriggerError(`${what} is ${shown(value)}; expected an object`);
  }
  return value as Readonly<Record<string, unknown>>;
}

function textAt(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new TriggerError(`${what} is ${shown(value)}; expected a non-empty string`);
  }
  return value;
}

/**
 * The trigger, in words: `drift verdict act on <endpoint> for <start> to <end> (<features>)` or
 * `alarm <name> in ALARM: <its reason>`.
 * @throws TriggerError when the event is neither, or lacks what names it
 */
export function describeTrigger(event: unknown): string {
  const e = objectAt(event, 'the event');
  const source = e.source;
  const detailType = e['detail-type'];
  const detail = objectAt(e.detail, 'detail');
  if (source === MONITORING_EVENT_SOURCE && detailType === MONITORING_DETAIL_TYPES.driftVerdict) {
    const d = detail as Partial<Record<keyof DriftVerdictDetail, unknown>>;
    const verdict = textAt(d.verdict, 'detail.verdict');
    const endpoint = textAt(d.endpointName, 'detail.endpointName');
    const acting = Array.isArray(d.acting) ? d.acting.filter((f): f is string => typeof f === 'string') : [];
    const window =
      typeof d.windowStart === 'string' && typeof d.windowEnd === 'string'
        ? ` for ${d.windowStart} to ${d.windowEnd}`
        : '';
    const features = acting.length > 0 ? ` (acting: ${acting.join(', ')})` : '';
    return clip(`drift verdict ${verdict} on ${endpoint}${window}${features}`);
  }
  if (source === ALARM_EVENT.source && detailType === ALARM_EVENT.detailType) {
    const name = textAt(detail.alarmName, 'detail.alarmName');
    const state = objectAt(detail.state, 'detail.state');
    const value = textAt(state.value, 'detail.state.value');
    const reason = typeof state.reason === 'string' && state.reason !== '' ? `: ${state.reason}` : '';
    return clip(`alarm ${name} in ${value}${reason}`);
  }
  throw new TriggerError(
    `the event is from ${shown(source)} of type ${shown(detailType)}; expected a ${JSON.stringify(MONITORING_DETAIL_TYPES.driftVerdict)} ` +
      `from ${JSON.stringify(MONITORING_EVENT_SOURCE)} or a ${JSON.stringify(ALARM_EVENT.detailType)} from ${JSON.stringify(ALARM_EVENT.source)}`,
  );
}
