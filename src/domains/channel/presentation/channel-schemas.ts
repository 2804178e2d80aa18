import { t } from "elysia";
import { ErrorBody, authErrors } from "../../../shared/presentation/error-schemas";
import { UserBody } from "../../identity/presentation/identity-schemas";
import { channelPayload } from "../domain/channel-events";
import type { ChannelView } from "../application/get-channel";

export const SnowflakeString = t.String({ pattern: "^[0-9]{1,20}$", description: "snowflake id", examples: ["1234567890123456789"] });
export const Timestamp = t.String({ format: "date-time" });
export const security = [{ bearer: [] }];
export const channelErrors = { 403: ErrorBody, 404: ErrorBody, ...authErrors } as const;
export const NoContent = t.Void({ description: "No Content" });
const strict = { additionalProperties: false } as const;
const Bitfield = t.String({ description: "permission bitfield as a decimal string", maxLength: 32 });

export const OverwriteBody = t.Object(
  { id: SnowflakeString, type: t.Union([t.Literal(0), t.Literal(1)], { description: "0 role, 1 member" }), allow: t.String(), deny: t.String() },
  { title: "Overwrite" },
);

export const ChannelBody = t.Object(
  {
    id: SnowflakeString,
    type: t.Integer({ description: "0 text, 1 DM, 2 voice, 4 category" }),
    guild_id: t.Optional(SnowflakeString),
    name: t.Optional(t.String()),
    position: t.Optional(t.Integer()),
    parent_id: t.Optional(t.Nullable(SnowflakeString)),
    topic: t.Optional(t.Nullable(t.String())),
    user_limit: t.Optional(t.Integer({ description: "guild channels: users allowed in a voice channel at once, 0 unlimited (always 0 for text and category)" })),
    permission_overwrites: t.Array(OverwriteBody),
    last_message_id: t.Nullable(SnowflakeString),
    recipients: t.Optional(t.Array(UserBody, { description: "DMs: the other participant" })),
  },
  { title: "Channel" },
);

export const ChannelParams = t.Object({ id: SnowflakeString });
export const OverwriteParams = t.Object({ id: SnowflakeString, overwrite_id: SnowflakeString });

const OverwriteInputBody = t.Object(
  { id: SnowflakeString, type: t.Integer({ description: "0 role, 1 member" }), allow: t.Optional(Bitfield), deny: t.Optional(Bitfield) },
  strict,
);
const overwritesField = t.Array(OverwriteInputBody, { maxItems: 100, description: "at most 100, one per role or member" });
const nameField = t.String({ description: "1–100 characters; text channels are lower-cased, spaces become dashes", maxLength: 1024 });
const topicField = t.Nullable(t.String({ description: "text channels, at most 1024 characters; null clears it", maxLength: 4096 }));
const userLimitField = t.Integer({ minimum: 0, maximum: 99, description: "voice channels: users allowed at once, 1–99, or 0 (default) for unlimited" });

export const CreateChannelBody = t.Object(
  {
    name: nameField,
    type: t.Optional(t.Integer({ description: "0 text (default), 2 voice, 4 category" })),
    parent_id: t.Optional(t.Nullable(SnowflakeString)),
    topic: t.Optional(topicField),
    user_limit: t.Optional(userLimitField),
    position: t.Optional(t.Integer({ minimum: 0 })),
    permission_overwrites: t.Optional(overwritesField),
  },
  strict,
);

export const UpdateChannelBody = t.Object(
  {
    name: t.Optional(nameField),
    topic: t.Optional(topicField),
    user_limit: t.Optional(userLimitField),
    position: t.Optional(t.Integer({ minimum: 0 })),
    parent_id: t.Optional(t.Nullable(SnowflakeString)),
    permission_overwrites: t.Optional(overwritesField),
  },
  strict,
);

export const ChannelPositionsBody = t.Array(
  t.Object({ id: SnowflakeString, position: t.Integer({ minimum: 0 }), parent_id: t.Optional(t.Nullable(SnowflakeString)) }, strict),
  { minItems: 1, maxItems: 500 },
);

export const PutOverwriteBody = t.Object(
  { type: t.Integer({ description: "0 role, 1 member" }), allow: t.Optional(Bitfield), deny: t.Optional(Bitfield) },
  strict,
);

export const OpenDmBody = t.Object({ recipient_id: SnowflakeString }, strict);

export const toChannelBody = (view: ChannelView): typeof ChannelBody.static => channelPayload(view.channel, view.recipients);
