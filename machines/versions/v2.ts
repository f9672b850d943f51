import {
  ACTIVE_STAGE_HANDLERS,
  initialContext,
  LIFECYCLE_STATES,
  LINK_CONFERENCE_HANDLER,
  lifecycleSetup,
  permissionGuard,
} from '../lifecycle.blocks';
import type { PermissionTable } from '../petition.permissions';
import { PERMISSIONS_V1 } from './v1';

/** The second lifecycle: version 1 plus the joint conference (联席会议, Art 24). */
export const MACHINE_VERSION_2 = 2;

/** Version 1's table plus LINK_CONFERENCE, sent by a supervisor at any active stage. */
export const PERMISSIONS_V2: PermissionTable = {
  ...PERMISSIONS_V1,
  LINK_CONFERENCE: { '*': ['supervisor'] },
};

/** Version 2: at any active stage a supervisor may link the case to a joint conference (Art 24). */
export const petitionMachineV2 = lifecycleSetup
  .createMachine({
    id: 'petition',
    initial: 'received',
    context: initialContext,
    on: { ...LINK_CONFERENCE_HANDLER, ...ACTIVE_STAGE_HANDLERS },
    states: LIFECYCLE_STATES,
  })
  .provide({ guards: { permitted: permissionGuard(PERMISSIONS_V2) } });
