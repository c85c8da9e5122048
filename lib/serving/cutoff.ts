/** The deployed cutoff and the decision: defined among the contracts, which the monitors' functions share. */
export {
  CUTOFF_METADATA_KEY,
  type Cutoff,
  cutoffFromMetadata,
  cutoffOfPackage,
  type Decision,
  decide,
  FALLBACK_CUTOFF,
  fallbackCutoff,
  NO_CUTOFF,
} from '../contracts/cutoff';
