import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseAllDocuments, parse as parseYaml } from "yaml";

export const REPO = resolve(import.meta.dir, "../..");

export const repoPath = (path: string): string => resolve(REPO, path);
export const readRepoFile = (path: string): string => readFileSync(repoPath(path), "utf8");

/** A YAML file as Compose reads it: YAML 1.1 merge keys (`<<: *anchor`) resolved. */
export const readYaml = (path: string): unknown => parseYaml(readRepoFile(path), { merge: true, prettyErrors: true });

/** Every document of a multi-document YAML file, failing on the first syntax error. */
export const readYamlDocuments = (path: string): unknown[] =>
  parseAllDocuments(readRepoFile(path), { prettyErrors: true }).flatMap((document) => {
    if (Array.isArray(document)) throw new Error(`${path}: not a YAML stream`);
    if (document.errors.length > 0) throw new Error(`${path}: ${document.errors.map((error) => error.message).join("; ")}`);
    const value = document.toJS();
    return value === null || value === undefined ? [] : [value];
  });

/** Runs a command to its end with a time bound; resolves with its exit code and output. */
export const run = async (cmd: string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}) => {
  const child = Bun.spawn(cmd, {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, ...options.env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  clearTimeout(timer);
  return { code, stdout, stderr };
};
