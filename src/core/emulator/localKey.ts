/** The API key the extension and its tests send to their own emulator, which accepts any non-empty key unless started with one. Not a secret. */
export const EMULATOR_LOCAL_KEY = 'local-emulator-key';
