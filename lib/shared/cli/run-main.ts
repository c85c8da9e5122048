/**
 * Runs a CLI's `main` with the process's arguments when its file is the entry point, and sets the
 * exit code it returns. `main` answers usage, credential and AWS problems itself with a message
 * and a code; anything it throws is a bug, so it is shown whole.
 */
export function runMain(module: NodeJS.Module, main: (argv: string[]) => Promise<number>): void {
  if (require.main !== module) {
    return;
  }
  // A reader that stops early (`npm run measure:auc | head -2`) closes the pipe: that is the
  // reader's choice, not a failure to show with a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') {
      throw error;
    }
    process.exit(process.exitCode ?? 0);
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
