import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  checkJava,
  checkPython,
  ensurePythonEnv,
  parseVersion,
  PythonEnvError,
  requirementsStamp,
} from '../../lib/local/python-env';

/** A stand-in executable that prints `output` to stderr or stdout, as the real tool does. */
function fakeTool(dir: string, name: string, output: string, stream: 'stdout' | 'stderr'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\necho '${output}' ${stream === 'stderr' ? '>&2' : ''}\n`, { mode: 0o755 });
  return file;
}

describe('the Python environment', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'python-env-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the versions Python and Java print, old Java’s 1.x included', () => {
    expect(parseVersion('Python 3.11.7', 'python')).toEqual([3, 11, 7]);
    expect(parseVersion('openjdk version "17.0.15" 2025-04-15', 'java')).toEqual([17, 0, 15]);
    expect(parseVersion('java version "1.8.0_402"', 'java')).toEqual([8, 0]);
    expect(parseVersion('openjdk version "21" 2023-09-19', 'java')).toEqual([21]);
    expect(parseVersion('nothing here', 'java')).toBeUndefined();
  });

  it('accepts Python 3.11 and newer, and names what to install otherwise', () => {
    expect(checkPython(fakeTool(dir, 'py311', 'Python 3.11.7', 'stdout'))).toBe('Python 3.11.7');
    expect(checkPython(fakeTool(dir, 'py313', 'Python 3.13.1', 'stdout'))).toBe('Python 3.13.1');
    expect(() => checkPython(fakeTool(dir, 'py310', 'Python 3.10.12', 'stdout'))).toThrow(
      /is Python 3\.10\.12; the project needs Python 3\.11 or newer/,
    );
    expect(() => checkPython(path.join(dir, 'absent'))).toThrow(PythonEnvError);
    expect(() => checkPython(path.join(dir, 'absent'))).toThrow(
      /^Python \(".*absent"\) was not found\. Install Python 3\.11 or newer/,
    );
  });

  it('accepts the Java versions Spark 3.5 runs on, and names Java 17 otherwise', () => {
    expect(checkJava(fakeTool(dir, 'java17', 'openjdk version "17.0.15" 2025-04-15', 'stderr'))).toBe(
      'openjdk version "17.0.15" 2025-04-15',
    );
    expect(() => checkJava(fakeTool(dir, 'java25', 'openjdk version "25" 2025-09-16', 'stderr'))).toThrow(
      /local Spark needs a Java runtime, version 17/,
    );
    expect(() => checkJava(path.join(dir, 'absent'))).toThrow(
      /^Java \(".*absent"\) was not found: local Spark needs a Java runtime/,
    );
  });

  it('stamps the requirements with the interpreter, so either change reinstalls', () => {
    const stamp = requirementsStamp('pyspark==3.5.4\n', 'Python 3.11.7');
    expect(requirementsStamp('pyspark==3.5.4\n', 'Python 3.11.7')).toBe(stamp);
    expect(requirementsStamp('pyspark==3.5.5\n', 'Python 3.11.7')).not.toBe(stamp);
    expect(requirementsStamp('pyspark==3.5.4\n', 'Python 3.12.1')).not.toBe(stamp);
  });

  it('does nothing when the environment holds the stamped requirements', () => {
    const python = fakeTool(dir, 'python3', 'Python 3.11.7', 'stdout');
    const java = fakeTool(dir, 'java', 'openjdk version "17.0.15"', 'stderr');
    fs.writeFileSync(path.join(dir, 'requirements.txt'), 'pytest==9.2.0\n');
    fs.mkdirSync(path.join(dir, '.venv', 'bin'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.venv', 'bin', 'python'), '');
    fs.writeFileSync(
      path.join(dir, '.venv', '.ml-lifecycle-requirements'),
      `${requirementsStamp('pytest==9.2.0\n', 'Python 3.11.7')}\n`,
    );
    const logged: string[] = [];
    const env = ensurePythonEnv({ root: dir, python, java, log: (m) => logged.push(m) });
    expect(env).toEqual({
      python: path.join(dir, '.venv', 'bin', 'python'),
      bin: path.join(dir, '.venv', 'bin'),
      installed: false,
    });
    expect(logged).toEqual([]);
  });

  it('stops before touching anything when Java is missing', () => {
    const python = fakeTool(dir, 'python3', 'Python 3.11.7', 'stdout');
    fs.writeFileSync(path.join(dir, 'requirements.txt'), 'pytest==9.2.0\n');
    expect(() => ensurePythonEnv({ root: dir, python, java: path.join(dir, 'absent') })).toThrow(PythonEnvError);
    expect(fs.existsSync(path.join(dir, '.venv'))).toBe(false);
  });
});
