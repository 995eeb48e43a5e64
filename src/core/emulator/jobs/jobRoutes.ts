/** Routes of the simulated jobs: batches, interactions and long-running video predictions. */
import { Router } from '../router';
import { Batches } from './batches';
import { downloadFile } from './files';
import { Interactions } from './interactions';
import { FinishableJobs } from './jobOutcomes';
import { JobRegistry } from './jobRegistry';
import { VideoOperations } from './videoOperations';

export { JobRegistry } from './jobRegistry';

const SEG = '([^/:]+)';

/** Adds the routes; answers the jobs a control route may end now (POST /emulator/jobs:finish). */
export function addJobRoutes(router: Router, jobs: JobRegistry): FinishableJobs {
  const batches = new Batches(jobs);
  const interactions = new Interactions(jobs);
  const videos = new VideoOperations(jobs);

  router.add('POST', new RegExp(`^/models/${SEG}:batchGenerateContent$`), async (ctx) => ({
    body: batches.create(ctx.params[0], batches.parseBatchGenerateContent(await ctx.body())),
  }));
  router.add('POST', new RegExp(`^/models/${SEG}:batchCreate$`), async (ctx) => ({
    body: batches.create(ctx.params[0], batches.parseBatchCreate(await ctx.body())),
  }));
  router.add('GET', new RegExp(`^/batches/${SEG}$`), (ctx) => ({ body: batches.get(ctx.params[0]) }));
  router.add('DELETE', new RegExp(`^/batches/${SEG}$`), (ctx) => ({ body: batches.delete(ctx.params[0]) }));
  router.add('POST', new RegExp(`^/batches/${SEG}:cancel$`), async (ctx) => {
    await ctx.body();
    return { body: batches.cancel(ctx.params[0]) };
  });

  // The results file a batch.succeeded event points at (output_file_uri).
  router.add('GET', new RegExp(`^/files/${SEG}:download$`), (ctx) => downloadFile(batches, ctx.params[0]));

  router.add('POST', /^\/interactions$/, async (ctx) => ({ body: interactions.create(await ctx.body()) }));
  router.add('GET', new RegExp(`^/interactions/${SEG}$`), (ctx) => ({ body: interactions.get(ctx.params[0]) }));
  router.add('DELETE', new RegExp(`^/interactions/${SEG}$`), (ctx) => ({ body: interactions.delete(ctx.params[0]) }));
  router.add('POST', new RegExp(`^/interactions/${SEG}/cancel$`), async (ctx) => {
    await ctx.body();
    return { body: interactions.cancel(ctx.params[0]) };
  });

  router.add('POST', new RegExp(`^/models/${SEG}:predictLongRunning$`), async (ctx) => ({ body: videos.create(ctx.params[0], await ctx.body()) }));
  router.add('GET', new RegExp(`^/models/${SEG}/operations/${SEG}$`), (ctx) => ({ body: videos.get(ctx.params[1]) }));
  router.add('GET', new RegExp(`^/operations/${SEG}$`), (ctx) => ({ body: videos.get(ctx.params[0]) }));
  return { batches, interactions };
}
