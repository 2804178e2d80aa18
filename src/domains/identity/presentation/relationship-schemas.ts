import { t } from "elysia";
import { Ignored, SnowflakeString, Timestamp, ignoredDiscordFields } from "../../../shared/presentation/schema-types";
import { USER_EXAMPLE, UserBody } from "./identity-schemas";

export const RelationshipParams = t.Object({ user_id: SnowflakeString });

/** Discord's relationship object: `id` is the other user's. */
export const RelationshipBody = t.Object(
  {
    id: SnowflakeString,
    type: t.Union([t.Literal(1), t.Literal(2), t.Literal(3), t.Literal(4)], { description: "1 FRIEND, 2 BLOCKED, 3 PENDING_INCOMING, 4 PENDING_OUTGOING" }),
    user: UserBody,
    nickname: t.Null(),
    since: Timestamp,
  },
  { title: "Relationship", examples: [{ id: USER_EXAMPLE.id, type: 1, user: USER_EXAMPLE, nickname: null, since: "2025-01-01T12:00:00.000Z" }] },
);

/** PUT: no type or 1 sends a friend request (or accepts theirs), 2 blocks. */
export const PutRelationshipBody = t.Object(
  {
    type: t.Optional(t.Union([t.Literal(1), t.Literal(2), t.Null()], { description: "1 (or none): friend request or accept; 2: block" })),
    ...ignoredDiscordFields({ from_friend_suggestion: Ignored.boolean() }),
  },
  { additionalProperties: false, examples: [{ type: 2 }] },
);

/** POST: Discord's friend request by username; `discriminator` is accepted and ignored (XCord's names are unique). */
export const FriendRequestBody = t.Object(
  {
    username: t.String({ minLength: 1, maxLength: 32 }),
    discriminator: t.Optional(t.Union([t.String({ maxLength: 4 }), t.Integer({ minimum: 0, maximum: 9999 }), t.Null()])),
  },
  { additionalProperties: false, examples: [{ username: "bob" }] },
);
