/**
 * The access module: who sees which case ({@link caseInScope}), which role may
 * use which non-event capability ({@link CAPABILITIES}), and what a viewer
 * sees of personal data ({@link intakeFor}). Who may send which event to a case
 * is the machine's permission matrix, not this module's.
 */
export {
  CAPABILITIES,
  CAPABILITY_NAMES,
  mayUse,
  refusalOf,
  requireCapability,
  withArticle,
  type Capability,
  type CapabilityRule,
} from './capabilities';
export { caseInScope, caseWithUnitNow, narrowScope, requireUnitInScope, type ScopedCase } from './case-scope';
export {
  intakeFor,
  isAccusedViewer,
  legacyMaskingFacts,
  maskIdNumber,
  maskPerson,
  maskPhone,
  seesContact,
  seesIdentity,
  showsIdentifiers,
  WITHHELD,
  type MaskingFacts,
} from './masking';
export { accusedUnitRefusal, isWithinReach, reachRefusal, type KnownUnits } from './unit-reach';
