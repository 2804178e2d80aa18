-- Threads arrived with three permissions that new guilds' @everyone holds (CREATE_PUBLIC_THREADS 1<<35,
-- CREATE_PRIVATE_THREADS 1<<36, SEND_MESSAGES_IN_THREADS 1<<38). Guilds made before get them too where @everyone may
-- send messages (SEND_MESSAGES 1<<11), as Discord granted them when it introduced threads: otherwise their members
-- could not start or post in a thread until someone edited the role. @everyone is the role whose id is its guild's.
UPDATE "roles" SET "permissions" = "permissions" | 377957122048 WHERE "id" = "guild_id" AND ("permissions" & 2048) <> 0;
