/**
 * Reading a function's configuration from its environment variables, checked. The CDK sets these
 * variables from the validated stage config, so a bad value here means the function was deployed
 * by hand or edited in the console; the error names the variable, the value and what is allowed,
 * and is thrown when the module loads, before any event is handled.
 */

/** Thrown when an environment variable is missing or not allowed. */
export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentError';
  }
}

type Environment = Readonly<Record<string, string | undefined>>;

/** The variable's value, which must be present and not empty. */
export function stringFromEnv(env: Environment, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new EnvironmentError(`environment variable ${name} is ${value === undefined ? 'missing' : 'empty'}`);
  }
  return value;
}

/** The variable's value as a finite number from `min` to `max`. */
export function numberFromEnv(env: Environment, name: string, min: number, max: number): number {
  const text = stringFromEnv(env, name);
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max || text.trim() !== text) {
    throw new EnvironmentError(
      `environment variable ${name} is ${JSON.stringify(text)}; expected a number from ${min} to ${max}`,
    );
  }
  return value;
}

/** The variable's value as a whole number from `min` to `max`. */
export function integerFromEnv(env: Environment, name: string, min: number, max: number): number {
  const value = numberFromEnv(env, name, min, max);
  if (!Number.isInteger(value)) {
    throw new EnvironmentError(
      `environment variable ${name} is ${JSON.stringify(env[name])}; expected an integer from ${min} to ${max}`,
    );
  }
  return value;
}

/** The variable's value, which must be one of `allowed`. */
export function oneOfFromEnv<T extends string>(env: Environment, name: string, allowed: readonly T[]): T {
  const text = stringFromEnv(env, name);
  if (!(allowed as readonly string[]).includes(text)) {
    throw new EnvironmentError(
      `environment variable ${name} is ${JSON.stringify(text)}; expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`,
    );
  }
  return text as T;
}
