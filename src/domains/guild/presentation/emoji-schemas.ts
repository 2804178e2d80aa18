import { t } from "elysia";
import { fails } from "../../../shared/presentation/error-schemas";
import { SnowflakeString } from "../../../shared/presentation/schema-types";
import { EMOJI_MAX_BYTES, EMOJI_ROLES_MAX } from "../domain/emoji";
import { emojiPayload } from "../domain/guild-payloads";
import type { EmojiList } from "../application/emojis";
import { strict } from "./guild-schemas";

export { EmojiBody } from "./guild-schemas";

export const UNKNOWN_EMOJI = fails("UNKNOWN_EMOJI", "the guild has no such emoji");
export const EMOJI_LIMIT = fails("EMOJI_LIMIT", "the guild has 50 static (or, for a GIF or animated WebP, 50 animated) emoji");

export const EmojiParams = t.Object({ id: SnowflakeString, emoji_id: SnowflakeString });

/** `{id}.png|gif|webp`, as Discord's CDN names an emoji's image. */
export const EmojiFileParams = t.Object({
  file: t.String({ pattern: "^[0-9]{1,20}\\.(png|gif|webp)$", maxLength: 25, description: "the emoji id and an extension: `{emoji_id}.png`, `.gif` or `.webp`" }),
});

/** Discord's CDN options (size, quality, animated): accepted and ignored, since the bytes are served as uploaded. */
export const EmojiFileQuery = t.Object({
  size: t.Optional(t.String({ maxLength: 8 })),
  quality: t.Optional(t.String({ maxLength: 16 })),
  animated: t.Optional(t.String({ maxLength: 8 })),
});

// Base64 makes four characters of three bytes; the prefix is short. Larger strings are refused by the schema.
const IMAGE_MAX_CHARS = Math.ceil(EMOJI_MAX_BYTES / 3) * 4 + 64;
const EmojiName = t.String({ description: "2–32 letters, digits and underscores", minLength: 2, maxLength: 32, pattern: "^[A-Za-z0-9_]+$" });
const EmojiRoles = t.Array(SnowflakeString, { maxItems: EMOJI_ROLES_MAX, description: "roles allowed to use it (none: every member)" });

export const CreateEmojiBody = t.Object(
  {
    name: EmojiName,
    image: t.String({ maxLength: IMAGE_MAX_CHARS, description: "image data `data:image/png;base64,…`: a PNG, GIF or WebP of at most 256 KiB (its bytes tell the type)" }),
    roles: t.Optional(EmojiRoles),
  },
  { ...strict, examples: [{ name: "party_parrot", image: "data:image/gif;base64,R0lGODlhAQABAAAAACw=", roles: [] }] },
);

export const UpdateEmojiBody = t.Object(
  { name: t.Optional(EmojiName), roles: t.Optional(t.Nullable(EmojiRoles)) },
  { ...strict, examples: [{ name: "parrot", roles: ["1234567890123456791"] }] },
);

/** Each emoji of the list as the API shows it: with its uploader where the caller may see them. */
export const toEmojiBodies = (list: EmojiList) => list.emojis.map((emoji) => emojiPayload(emoji, list.creators?.get(emoji.creatorId)));
