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

/** The OpenAPI 3.1 document at /swagger/json and Swagger UI at /swagger, all assets local. */
export const apiDocs = (options: { version: string; publicUrl: string | undefined }) =>
  new Elysia({ name: "xcord.api-docs" })
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
            description: [
              "Self-hostable chat backend of Discord's class. REST under /api/v1.",
              "WebSockets (not listed as operations): the gateway at /gateway (API.md), and the voice signaling socket",
              "at the `endpoint` of VOICE_SERVER_UPDATE (/voice): JSON requests `{id, method, data}` → `{id, ok, data|error}`",
              "and notifications `{event, data}`; methods identify, create_transport, connect_transport, produce, consume,",
              "resume_consumer, ping; events participant_joined/left/updated, consumer_new/closed, speaking, stats,",
              "reconnect (docs/voice.md in the repository).",
            ].join(" "),
          },
          // Without PUBLIC_URL, Swagger UI uses the origin it was loaded from.
          ...(options.publicUrl ? { servers: [{ url: options.publicUrl }] } : {}),
          tags: [
            { name: "Operations", description: "Health, readiness, metrics" },
            { name: "Identity", description: "Accounts and sessions" },
            { name: "Guilds", description: "Servers, members, roles, invites, bans" },
            { name: "Channels", description: "Channels and permission overwrites" },
            { name: "Messages", description: "Messages, reactions, pins, read states, search" },
            { name: "Gateway", description: "Real-time gateway" },
            { name: "Voice", description: "Voice states and moderation; joining is gateway op 4, media is the /voice socket" },
          ],
          components: {
            securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
          },
        },
        swagger: {
          cdn: "/swagger/assets/swagger-ui-bundle.js",
          theme: "/swagger/assets/swagger-ui.css",
          autoDarkMode: false,
        },
        exclude: { paths: ["/swagger/assets/:file"] },
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
    );
