import type { ManagerEvent } from '../api/control-plane.ts';
import type { ObservedEvent } from '../observed/events.ts';
import type { Action } from '../reconciler/actions.ts';

type Published = Omit<ManagerEvent, 'seq' | 'at'>;

/** An action as the API's event stream shows it. */
export function actionEvent(action: Action, message: string): Published {
  return {
    type: 'action',
    ...('process' in action ? { process: action.process } : {}),
    ...('id' in action ? { instance: action.id } : {}),
    message,
    data: action,
  };
}

/** An observed event worth a log line, as the API's event stream shows it. */
export function observedEvent(event: ObservedEvent, message: string): Published {
  return {
    type: event.type,
    ...('process' in event ? { process: event.process } : {}),
    ...('id' in event ? { instance: event.id } : {}),
    message,
    data: event,
  };
}
