import { t } from "elysia";
import { AUDIT_LOG_ACTIONS, type AuditLogAction, auditLogEntryPayload } from "../../../shared/kernel/audit-log";
import { invalidField } from "../../../shared/kernel/domain-error";
import { userPayload } from "../../../shared/kernel/users";
import { guildFailures, lacks } from "../../../shared/presentation/error-schemas";
import { type RouteDeps, routesTagged } from "../../../shared/presentation/route-kit";
import { IntegerInput, SnowflakeString, exampleOf } from "../../../shared/presentation/schema-types";
import { UserBody } from "../../identity";
import type { GuildUseCases } from "../application/guild-use-cases";
import { GuildParams } from "./guild-schemas";

const { group, route } = routesTagged(["Guilds"]);

const AuditLogQuery = t.Object({
  user_id: t.Optional(SnowflakeString),
  action_type: t.Optional(IntegerInput({ minimum: 1, maximum: 255, description: "one of Discord's audit log event numbers" })),
  before: t.Optional(SnowflakeString),
  after: t.Optional(SnowflakeString),
  limit: t.Optional(IntegerInput({ minimum: 1, maximum: 100, default: 50, description: "1–100; 50 by default" })),
});

const AuditLogChangeBody = t.Object({ key: t.String(), old_value: t.Optional(t.Unknown()), new_value: t.Optional(t.Unknown()) });

/** Discord's audit log entry object. */
export const AuditLogEntryBody = t.Object(
  {
    id: SnowflakeString,
    user_id: t.Nullable(SnowflakeString),
    target_id: t.Nullable(t.String()),
    action_type: t.Integer({ description: "Discord's audit log event number (e.g. 22 MEMBER_BAN_ADD)" }),
    changes: t.Optional(t.Array(AuditLogChangeBody)),
    options: t.Optional(t.Record(t.String(), t.String(), { description: "Discord's optional audit entry info (channel_id, count, id, type, role_name, delete_member_days, …)" })),
    reason: t.Optional(t.String({ description: "from the change's X-Audit-Log-Reason header" })),
  },
  {
    title: "AuditLogEntry",
    examples: [{ id: "1234567890123456800", user_id: "1234567890123456789", target_id: "1234567890123456790", action_type: 31, changes: [{ key: "name", old_value: "mods", new_value: "moderators" }], reason: "clearer name" }],
  },
);

const AuditLogBody = t.Object(
  {
    audit_log_entries: t.Array(AuditLogEntryBody),
    users: t.Array(UserBody),
    webhooks: t.Array(t.Unknown()),
    threads: t.Array(t.Unknown()),
    integrations: t.Array(t.Unknown()),
    application_commands: t.Array(t.Unknown()),
    auto_moderation_rules: t.Array(t.Unknown()),
    guild_scheduled_events: t.Array(t.Unknown()),
  },
  {
    title: "AuditLog",
    examples: [{ audit_log_entries: [exampleOf(AuditLogEntryBody)], users: [exampleOf(UserBody)], webhooks: [], threads: [], integrations: [], application_commands: [], auto_moderation_rules: [], guild_scheduled_events: [] }],
  },
);

const actionOf = (value: number | undefined): AuditLogAction | undefined => {
  if (value === undefined) return undefined;
  if (!AUDIT_LOG_ACTIONS.has(value)) throw invalidField("action_type", "Not an audit log event XCord records.");
  return value as AuditLogAction;
};

/** /guilds/{id}/audit-logs. */
export const auditLogRoutes = ({ useCases, ...deps }: RouteDeps<GuildUseCases>) =>
  group(deps).get(
    "/guilds/:id/audit-logs",
    async ({ caller, params, query }) => {
      const view = await useCases.listAuditLog(caller.userId, params.id, {
        userId: query.user_id,
        actionType: actionOf(query.action_type),
        before: query.before,
        after: query.after,
        limit: query.limit ?? 50,
      });
      return {
        audit_log_entries: view.entries.map(auditLogEntryPayload),
        users: view.users.map(userPayload),
        webhooks: [],
        threads: [],
        integrations: [],
        application_commands: [],
        auto_moderation_rules: [],
        guild_scheduled_events: [],
      };
    },
    route({
      summary: "A page of the guild's audit log, newest first: filter by user_id (the actor) and action_type; page with before or after (an entry id); limit 1–100, default 50 (VIEW_AUDIT_LOG)",
      schemas: { params: GuildParams, query: AuditLogQuery },
      ok: { 200: AuditLogBody },
      failures: [lacks("VIEW_AUDIT_LOG"), ...guildFailures],
    }),
  );
