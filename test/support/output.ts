/** A writable that keeps what is written to it, for a CLI's stdout or stderr in tests. */
export function output(): { text: string; write: (chunk: string) => boolean } {
  const out = {
    text: '',
    write: (chunk: string) => {
      out.text += chunk;
      return true;
    },
  };
  return out;
}
