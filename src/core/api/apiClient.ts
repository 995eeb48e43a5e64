/** What every client of the API shares: one Transport (its pool, retries, typed errors), its host, closing it. */
import { Transport, TransportOptions } from './transport';

export abstract class ApiClient {
  protected readonly transport: Transport;

  constructor(options: TransportOptions) {
    this.transport = new Transport(options);
  }

  /** Host (and port) of the API, for messages. */
  get host(): string {
    return this.transport.host;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}
