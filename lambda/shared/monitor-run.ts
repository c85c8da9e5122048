/**
 * What a run of a lake monitor starts from and where its report goes: the window's end, from
 * EventBridge's scheduled event or a manual invocation, and the report's key, one per endpoint and
 * window end. Pure.
 */

/**
 * What starts a monitor run: EventBridge's scheduled event (its `time` ends the window), or a
 * manual invocation that names the window's end (`windowEnd`, ISO 8601) or nothing (now).
 */
export interface MonitorRunEvent {
  readonly time?: string;
  readonly windowEnd?: string;
}

/** Thrown when the event names a window end that is not a date. */
export class InvalidMonitorEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidMonitorEventError';
  }
}

/**
 * The window's end: the event's `windowEnd`, else its `time`, else `now`.
 * @throws InvalidMonitorEventError naming the field and its value when it is not a date
 */
export function monitorWindowEnd(event: MonitorRunEvent, now: Date): Date {
  const given: unknown = event.windowEnd ?? event.time;
  if (given === undefined) {
    return now;
  }
  const end = typeof given === 'string' ? new Date(given) : new Date(NaN);
  if (Number.isNaN(end.getTime())) {
    throw new InvalidMonitorEventError(
      `the event's ${event.windowEnd === undefined ? 'time' : 'windowEnd'} is ${JSON.stringify(given)}; expected an ISO 8601 date and time`,
    );
  }
  return end;
}

/**
 * A report's key: `<prefix><endpoint>/<window end><extension>`, the window end in ISO 8601 with its
 * colons made hyphens (a colon in a key must be URL-encoded by every tool that names it).
 */
export function monitorReportKey(prefix: string, endpointName: string, windowEnd: Date, extension: string): string {
  return `${prefix}${endpointName}/${windowEnd.toISOString().replace(/:/g, '-')}${extension}`;
}
