/** What http-core needs to know of the app's routes: their methods per path, and which take multipart bodies. */
export interface RouteInfo {
  readonly method: string;
  readonly path: string;
  readonly hooks?: { readonly type?: unknown };
}

export interface RouteTable {
  /** The methods some route answers at `pathname` (for 405's `Allow`); empty when no route has that path. */
  allowedMethods(pathname: string): readonly string[];
  /** True when the route `method pattern` declares a multipart/form-data body. */
  takesMultipart(method: string, pattern: string): boolean;
}

interface Compiled {
  readonly pattern: RegExp;
  readonly methods: Set<string>;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `/channels/:id/messages` → a RegExp matching one concrete path; catch-all routes (`*`) match nothing here. */
const compile = (path: string): RegExp | undefined => {
  if (path.includes("*")) return undefined;
  const source = path
    .split("/")
    .map((segment) => (segment.startsWith(":") ? "[^/]+" : escapeRegExp(segment)))
    .join("/");
  return new RegExp(`^${source}$`);
};

/**
 * Built on first use from the app's routes (they are all registered by then) and kept: lookups run only on requests
 * that already failed to match (404/405) or that carry a body.
 */
export const createRouteTable = (routes: () => readonly RouteInfo[]): RouteTable => {
  let compiled: Compiled[] | undefined;
  let multipart: Set<string> | undefined;
  const build = () => {
    const byPath = new Map<string, Set<string>>();
    multipart = new Set();
    for (const route of routes()) {
      // WebSocket routes are GET upgrades; Bun answers HEAD for every GET route.
      const methods = route.method === "WS" ? ["GET"] : route.method === "GET" ? ["GET", "HEAD"] : [route.method];
      const set = byPath.get(route.path) ?? new Set<string>();
      for (const method of methods) set.add(method);
      byPath.set(route.path, set);
      const type = route.hooks?.type;
      if (type === "multipart/form-data" || (Array.isArray(type) && type.includes("multipart/form-data"))) {
        multipart.add(`${route.method} ${route.path}`);
      }
    }
    compiled = [...byPath].flatMap(([path, methods]) => {
      const pattern = compile(path);
      return pattern ? [{ pattern, methods }] : [];
    });
    return compiled;
  };
  return {
    allowedMethods(pathname) {
      const allowed = new Set<string>();
      for (const route of compiled ?? build()) if (route.pattern.test(pathname)) for (const method of route.methods) allowed.add(method);
      return [...allowed].sort();
    },
    takesMultipart(method, pattern) {
      if (!multipart) build();
      return multipart!.has(`${method} ${pattern}`);
    },
  };
};
