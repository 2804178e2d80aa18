import { accessSync, constants, statSync } from "node:fs";

/** How to get a worker binary, for every message that says one is missing. */
const BUILD_HINT = "run scripts/mediasoup/build-worker.sh";

/**
 * Why `path` cannot run as the mediasoup worker, or undefined when it looks runnable.
 * Checked before spawning because, under Bun, mediasoup's createWorker() on a missing or non-executable file
 * rejects *and* leaves an unhandled child-process 'error' event behind that kills the whole process.
 */
export const workerBinaryProblem = (path: string): string | undefined => {
  try {
    if (!statSync(path).isFile()) return `mediasoup worker binary ${path} is not a file: ${BUILD_HINT}`;
  } catch {
    return `mediasoup worker not built (no ${path}): ${BUILD_HINT}`;
  }
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return `mediasoup worker binary ${path} is not executable: ${BUILD_HINT}`;
  }
  return undefined;
};
