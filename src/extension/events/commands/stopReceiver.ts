/** Stop Receiver: stops the local receiver (the history stays). */
import { UiHolder } from '../../platform/commandRunner';
import { ReceiverService } from '../receiver/receiverService';


export function stopReceiverCommand(service: ReceiverService, ui: UiHolder) {
  return async (): Promise<void> => {
    if (!service.running) {
      void ui.current.info('The receiver is not running.');
      return;
    }
    await service.stop();
    void ui.current.info('Receiver stopped.');
  };
}
