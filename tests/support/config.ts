import { ConfigError, loadConfig } from "../../src/shared/infrastructure/config";

/** The problems `loadConfig` lists for `env`, one per line of its error; none when it loads. */
export const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};
