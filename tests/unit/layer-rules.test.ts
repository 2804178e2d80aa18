import { describe, expect, test } from "bun:test";
import { Glob } from "bun";
import { relative, resolve } from "node:path";

const SRC = resolve(import.meta.dir, "../../src");
const IMPORT_PATTERN = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

interface SourceFile {
  readonly path: string;
  readonly imports: readonly string[];
}

const sources: SourceFile[] = [...new Glob("**/*.ts").scanSync(SRC)].map((path) => {
  const text = require("node:fs").readFileSync(resolve(SRC, path), "utf8") as string;
  const imports = [...text.matchAll(IMPORT_PATTERN)].map((match) => match[1] ?? match[2] ?? "");
  return { path, imports };
});

/** The path an import resolves to, relative to src/, or the package name for bare imports. */
const target = (file: SourceFile, specifier: string): string =>
  specifier.startsWith(".") ? relative(SRC, resolve(SRC, file.path, "..", specifier)) : specifier;

const violations = (select: (file: SourceFile) => boolean, forbidden: (target: string, file: SourceFile) => boolean) =>
  sources
    .filter(select)
    .flatMap((file) => file.imports.map((specifier) => ({ file: file.path, import: specifier, to: target(file, specifier) })))
    .filter((edge) => forbidden(edge.to, sources.find((s) => s.path === edge.file)!))
    .map((edge) => `${edge.file} imports ${edge.import}`);

const INFRA_PACKAGES = /^(drizzle-orm|postgres|ioredis|mediasoup|@electric-sql\/pglite)(\/|$)/;
const domainOf = (path: string) => /^domains\/([^/]+)\//.exec(path)?.[1];
/** A domain's public face: `domains/<name>` (its index.ts). */
const isFace = (path: string) => /^domains\/[^/]+(\/index(\.ts)?)?$/.test(path);

describe("layer rules (STYLE.md 13)", () => {
  test("the scan sees the source tree", () => {
    expect(sources.length).toBeGreaterThan(10);
  });

  test("a domain layer imports only its own domain and the shared kernel", () => {
    const bad = violations(
      (file) => /^domains\/[^/]+\/domain\//.test(file.path),
      (to, file) => !(to.startsWith(`domains/${domainOf(file.path)}/domain/`) || to.startsWith("shared/kernel/")),
    );
    expect(bad).toEqual([]);
  });

  test("the shared kernel imports nothing outside itself", () => {
    expect(violations((file) => file.path.startsWith("shared/kernel/"), (to) => !to.startsWith("shared/kernel/"))).toEqual([]);
  });

  test("application code never imports Elysia or any adapter technology", () => {
    const bad = violations(
      (file) => /^domains\/[^/]+\/application\//.test(file.path),
      (to) => to === "elysia" || to.startsWith("@elysiajs/") || INFRA_PACKAGES.test(to) || to.startsWith("shared/infrastructure/"),
    );
    expect(bad).toEqual([]);
  });

  test("only presentation code (and the composition root) imports Elysia", () => {
    const bad = violations(
      (file) => !/(^|\/)presentation\//.test(file.path) && !file.path.startsWith("shared/gateway/") && file.path !== "app.ts",
      (to) => to === "elysia" || to.startsWith("@elysiajs/"),
    );
    expect(bad).toEqual([]);
  });

  test("only shared/infrastructure imports drizzle, postgres, ioredis, PGlite or mediasoup", () => {
    const bad = violations((file) => !file.path.startsWith("shared/infrastructure/"), (to) => INFRA_PACKAGES.test(to));
    expect(bad).toEqual([]);
  });

  test("a domain imports another domain only through its public face (domains/<name>/index.ts)", () => {
    const bad = violations(
      (file) => file.path.startsWith("domains/"),
      (to, file) => {
        const other = domainOf(`${to}/`);
        return other !== undefined && other !== domainOf(file.path) && !isFace(to);
      },
    );
    expect(bad).toEqual([]);
  });

  test("a public face re-exports its own domain and nothing else", () => {
    const bad = violations((file) => isFace(file.path), (to, file) => !to.startsWith(`domains/${domainOf(file.path)}/`));
    expect(bad).toEqual([]);
  });

  test("outside the domains only the adapters reach a domain's insides, and only its domain layer (ports, entities, events)", () => {
    const outside = violations(
      (file) => !file.path.startsWith("domains/") && !file.path.startsWith("shared/infrastructure/"),
      (to) => domainOf(`${to}/`) !== undefined && !isFace(to),
    );
    const adapters = violations(
      (file) => file.path.startsWith("shared/infrastructure/"),
      (to) => /^domains\/[^/]+\/(application|presentation)\//.test(to) || isFace(to),
    );
    expect([...outside, ...adapters]).toEqual([]);
  });

  test("the gateway imports no domain: domains hand it their rules and READY parts", () => {
    expect(violations((file) => file.path.startsWith("shared/gateway/"), (to) => to.startsWith("domains/"))).toEqual([]);
  });

  test("domains depend on each other one way: no domain reaches, through others, back to itself", () => {
    const edges = new Map<string, Set<string>>();
    for (const file of sources) {
      const from = domainOf(file.path);
      if (!from) continue;
      for (const specifier of file.imports) {
        const to = domainOf(`${target(file, specifier)}/`);
        if (to && to !== from) edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    const cycles: string[] = [];
    const visit = (domain: string, path: readonly string[]) => {
      for (const next of edges.get(domain) ?? []) {
        if (path.includes(next)) cycles.push([...path.slice(path.indexOf(next)), next].join(" -> "));
        else visit(next, [...path, next]);
      }
    };
    for (const domain of edges.keys()) visit(domain, [domain]);
    expect(cycles).toEqual([]);
    // The direction, as it stands: identity and presence at the bottom, message and voice at the top.
    expect([...(edges.get("channel") ?? [])].sort()).toEqual(["identity"]);
    expect(edges.has("identity")).toBe(false);
  });
});
