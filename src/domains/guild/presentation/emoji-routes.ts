import { auditReason } from "../../../shared/presentation/audit-reason";
import { t } from "elysia";
import { errorResponses, fails, guildFailures, lacks } from "../../../shared/presentation/error-schemas";
import type { RateLimitRule } from "../../../shared/presentation/rate-limit";
import { NoContent, type RouteDeps, noContent, routesTagged } from "../../../shared/presentation/route-kit";
import type { GuildUseCases } from "../application/guild-use-cases";
import { extensionOf } from "../domain/emoji";
import { GuildParams } from "./guild-schemas";
import {
  CreateEmojiBody,
  EMOJI_LIMIT,
  EmojiBody,
  EmojiFileParams,
  EmojiFileQuery,
  EmojiParams,
  UNKNOWN_EMOJI,
  UpdateEmojiBody,
  toEmojiBodies,
} from "./emoji-schemas";

const tags = ["Guilds"];
const { group, route, limitedRoute } = routesTagged(tags);
const cdn = routesTagged(tags, { authenticated: false });

/** An upload decodes and stores up to 256 KiB: 5 per 10 s per user. */
export const EMOJI_UPLOAD_LIMIT: RateLimitRule = { bucket: "emojis.create", limit: 5, periodMs: 10_000, by: "user" };

const EDITING = lacks("MANAGE_GUILD_EXPRESSIONS", "CREATE_GUILD_EXPRESSIONS for an emoji the caller uploaded");
const IMAGE_REFUSED = fails("VALIDATION", "`name` is not 2–32 letters, digits and underscores; `image` is not image data of a PNG, GIF or WebP, or is over 256 KiB (`File cannot be larger than 256.0 kb.`); `roles` names a role not of the guild");
const first = <T>(list: readonly T[]): T => list[0]!;

/** /guilds/{id}/emojis: list, read, upload, edit and delete a guild's custom emoji. */
export const emojiRoutes = ({ useCases, ...deps }: RouteDeps<GuildUseCases>) => {
  return group(deps)
    .get(
      "/guilds/:id/emojis",
      async ({ caller, params }) => toEmojiBodies(await useCases.listEmojis(caller.userId, params.id)),
      route({ summary: "A guild's custom emoji, oldest first (members; `user` for those with MANAGE_ or CREATE_GUILD_EXPRESSIONS)", schemas: { params: GuildParams }, ok: { 200: t.Array(EmojiBody) }, failures: guildFailures }),
    )
    .get(
      "/guilds/:id/emojis/:emoji_id",
      async ({ caller, params }) => first(toEmojiBodies(await useCases.getEmoji(caller.userId, params.id, params.emoji_id))),
      route({ summary: "One custom emoji of the guild (members)", schemas: { params: EmojiParams }, ok: { 200: EmojiBody }, failures: [...guildFailures, UNKNOWN_EMOJI] }),
    )
    .post(
      "/guilds/:id/emojis",
      async ({ caller, params, body, status, request }) => status(201, first(toEmojiBodies(await useCases.createEmoji(caller.userId, params.id, body, auditReason(request))))),
      limitedRoute({
        summary: "Upload a custom emoji: image data of a PNG, GIF or WebP of at most 256 KiB (CREATE_ or MANAGE_GUILD_EXPRESSIONS; 50 static and 50 animated per guild)",
        schemas: { params: GuildParams, body: CreateEmojiBody },
        ok: { 201: EmojiBody },
        failures: [lacks("CREATE_GUILD_EXPRESSIONS", "MANAGE_GUILD_EXPRESSIONS"), ...guildFailures, IMAGE_REFUSED, EMOJI_LIMIT],
        rateLimit: EMOJI_UPLOAD_LIMIT,
      }),
    )
    .patch(
      "/guilds/:id/emojis/:emoji_id",
      async ({ caller, params, body, request }) => first(toEmojiBodies(await useCases.updateEmoji(caller.userId, params.id, params.emoji_id, body, auditReason(request)))),
      route({ summary: "Rename an emoji or change the roles that may use it (MANAGE_GUILD_EXPRESSIONS; one's own: CREATE_GUILD_EXPRESSIONS)", schemas: { params: EmojiParams, body: UpdateEmojiBody }, ok: { 200: EmojiBody }, failures: [EDITING, ...guildFailures, UNKNOWN_EMOJI] }),
    )
    .delete(
      "/guilds/:id/emojis/:emoji_id",
      async ({ caller, params, request }) => useCases.deleteEmoji(caller.userId, params.id, params.emoji_id, auditReason(request)).then(noContent),
      route({ summary: "Delete an emoji and its image (MANAGE_GUILD_EXPRESSIONS; one's own: CREATE_GUILD_EXPRESSIONS)", schemas: { params: EmojiParams }, ok: { 204: NoContent }, failures: [EDITING, ...guildFailures, UNKNOWN_EMOJI] }),
    );
};

/** GET /emojis/{id}.{png|gif|webp}: an emoji's image without auth, as Discord's CDN serves it. */
export const emojiImageRoutes = ({ useCases, ...deps }: RouteDeps<GuildUseCases>) => {
  return cdn.group(deps).get(
    "/emojis/:file",
    async ({ params, set }) => {
      const { emoji, image } = await useCases.openEmojiImage(params.file.slice(0, params.file.indexOf(".")));
      // The bytes as uploaded, under their own type whatever the extension asked for (XCord converts nothing).
      set.headers["content-type"] = emoji.contentType;
      set.headers["x-content-type-options"] = "nosniff";
      set.headers["cross-origin-resource-policy"] = "cross-origin";
      set.headers["content-security-policy"] = "default-src 'none'; sandbox";
      // An id's image never changes: caches may keep it for a day, and a deleted emoji's for that long.
      set.headers["cache-control"] = "public, max-age=86400";
      set.headers["content-disposition"] = `inline; filename="${emoji.id}.${extensionOf(emoji.contentType)}"`;
      return new Response(image.stream(), { headers: set.headers as Record<string, string> });
    },
    {
      params: EmojiFileParams,
      query: EmojiFileQuery,
      response: { 200: t.Any({ description: "OK — the image's bytes as uploaded, with their Content-Type (image/png, image/gif or image/webp)" }), ...errorResponses({ auth: false }, fails("UNKNOWN_EMOJI", "no such emoji")) },
      detail: { summary: "An emoji's image, public like Discord's CDN (`{id}.png`, `.gif` or `.webp`; size and quality are ignored)", tags },
    },
  );
};
