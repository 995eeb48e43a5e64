/** The Gemini jobs behind webhook events (vscode-free): one summary shape, event → job, batch input files, results pointers. */
export * from './jobSummary';
export * from './eventJob';
export * from './batchInput';
export * from './resultsPointer';
