/**
 * A failure of the infrastructure that is not a bug: a value the store cannot take (the request's fault) or the
 * store being unreachable (an outage, worth a retry).
 */
export type InfrastructureFault = "INVALID_INPUT" | "UNAVAILABLE";

/** Tells which thrown errors are infrastructure faults; undefined for anything else (a bug). */
export type FaultClassifier = (error: unknown) => InfrastructureFault | undefined;
