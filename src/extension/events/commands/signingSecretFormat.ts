/** The label of a signing secret added by hand: shown in the UI, so it must not be a secret itself. */

export function validateSecretLabel(value: string): string | undefined {
  const text = value.trim();
  if (text === '') return 'Give the secret a label, e.g. the webhook it belongs to.';
  if (text.length > 100) return 'Keep the label under 100 characters.';
  if (/^whsec_/i.test(text)) return 'That looks like a secret: the label is shown in the UI, so use a name instead.';
  return undefined;
}
