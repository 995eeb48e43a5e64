/** Single-quotes a value for sh/bash/zsh (a ' inside becomes '\''). */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
