-- Camera video in voice channels needs STREAM (1<<9, Discord's "Video"), which new guilds' @everyone now holds as
-- Discord's does. Guilds made before get it where @everyone may connect to voice (CONNECT 1<<20), so that video works
-- there as it does in a new guild. @everyone is the role whose id is its guild's.
UPDATE "roles" SET "permissions" = "permissions" | 512 WHERE "id" = "guild_id" AND ("permissions" & 1048576) <> 0;
