import { dirname, join } from "node:path";
import { openapi } from "@elysiajs/openapi";
import { Elysia, t } from "elysia";

/** swagger-ui-dist's files, resolved from node_modules so the docs work with no internet access. */
const SWAGGER_DIST = dirname(Bun.resolveSync("swagger-ui-dist/package.json", import.meta.dir));
const ASSETS = {
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui.css": "text/css; charset=utf-8",
  "favicon-32x32.png": "image/png",
} as const;
/** The repository's docs/, served read-only beside Swagger UI so that its links work from a running node. */
const DOCS_DIR = join(import.meta.dir, "../../../docs");
const DOC_NAME = /^[a-z0-9-]{1,64}\.md$/;

/** The document's introduction, rendered as Markdown by Swagger UI. */
const DESCRIPTION = [
  "Self-hostable chat backend of Discord's class. REST under `/api/v1`, with a bearer token from `POST /auth/register` or",
  "`POST /auth/login` (the Authorize button). The examples run in order: register, create a guild, then send a message to",
  "its first channel.",
  "",
  "Errors are `{code, message, errors?}`: each response below lists its API codes, and a 400 50035 maps every offending field",
  "to the rule it breaks.",
  "",
  "The WebSockets are not operations here: the gateway at `/gateway` and the voice signaling socket at the `endpoint` of",
  "VOICE_SERVER_UPDATE are described by the [AsyncAPI 3 document](/swagger/asyncapi.json).",
  "",
  "The repository's docs, also served here: [docs/rest.md](/swagger/docs/rest.md) (errors, rate limits, snowflakes,",
  "pagination), [docs/gateway.md](/swagger/docs/gateway.md) (opcodes, close codes, READY, resuming) and",
  "[docs/voice.md](/swagger/docs/voice.md).",
].join("\n");

/** The OpenAPI 3.1 document at /swagger/json and Swagger UI at /swagger, all assets local. */
export const apiDocs = (options: { version: string; publicUrl: string | undefined }) =>
  new Elysia({ name: "xcord.api-docs" })
    // Swagger UI loads the document relative to its page (`swagger/json`): from /swagger/ that would be
    // /swagger/swagger/json. One canonical page instead.
    .onRequest(({ request, redirect }) => {
      if (request.url.includes("/swagger/") && new URL(request.url).pathname === "/swagger/") return redirect("/swagger", 308);
    })
    .use(
      openapi({
        path: "/swagger",
        specPath: "/swagger/json",
        provider: "swagger-ui",
        openapiVersion: "3.1.0",
        documentation: {
          info: {
            title: "XCord API",
            version: options.version,
            description: DESCRIPTION,
          },
          // Without PUBLIC_URL, Swagger UI uses the origin it was loaded from.
          ...(options.publicUrl ? { servers: [{ url: options.publicUrl }] } : {}),
          tags: [
            { name: "Operations", description: "Health, readiness, metrics" },
            { name: "Identity", description: "Accounts and sessions" },
            { name: "Guilds", description: "Servers, members, roles, invites, bans" },
            { name: "Channels", description: "Channels and permission overwrites" },
            { name: "Messages", description: "Messages, reactions, pins, read states, search" },
            { name: "Webhooks", description: "Incoming webhooks: managed with MANAGE_WEBHOOKS; the token routes need no login (the token in the path is the credential)" },
            { name: "Gateway", description: "Real-time gateway" },
            { name: "Voice", description: "Voice states and moderation; joining is gateway op 4, media is the /voice socket" },
          ],
          components: {
            securitySchemes: {
              bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
              bot: { type: "apiKey", in: "header", name: "Authorization", description: "`Bot <token>`: a bot account's token (see docs/rest.md, Applications and bots)" },
            },
          },
        },
        swagger: {
          cdn: "/swagger/assets/swagger-ui-bundle.js",
          theme: "/swagger/assets/swagger-ui.css",
          autoDarkMode: false,
        },
        exclude: { paths: ["/swagger/assets/:file", "/swagger/docs/:file"] },
      }),
    )
    .get(
      "/swagger/assets/:file",
      ({ params, set }) => {
        const type = ASSETS[params.file as keyof typeof ASSETS];
        if (!type) {
          set.status = 404;
          return { code: 0, message: "404: Not Found" };
        }
        set.headers["content-type"] = type;
        set.headers["cache-control"] = "public, max-age=86400";
        return Bun.file(join(SWAGGER_DIST, params.file));
      },
      { params: t.Object({ file: t.String({ maxLength: 64 }) }), detail: { hide: true } },
    )
    .get(
      "/swagger/docs/:file",
      async ({ params, set }) => {
        const file = Bun.file(join(DOCS_DIR, params.file));
        if (!DOC_NAME.test(params.file) || !(await file.exists())) {
          set.status = 404;
          return { code: 0, message: "404: Not Found" };
        }
        set.headers["content-type"] = "text/markdown; charset=utf-8";
        return file;
      },
      { params: t.Object({ file: t.String({ maxLength: 64 }) }), detail: { hide: true } },
    );
