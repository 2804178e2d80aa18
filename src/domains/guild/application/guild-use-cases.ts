import { listAuditLog } from "./audit-log";
import { banUser, listBans, unbanUser } from "./bans";
import { createGuild } from "./create-guild";
import { createInvite } from "./create-invite";
import { createRole } from "./create-role";
import { deleteGuild } from "./delete-guild";
import { deleteInvite } from "./delete-invite";
import { deleteRole } from "./delete-role";
import { openEmojiImage, usableEmoji } from "./emoji-images";
import { createEmoji, deleteEmoji, getEmoji, listEmojis, updateEmoji } from "./emojis";
import { getGuild } from "./get-guild";
import { getMember } from "./get-member";
import type { GuildDeps } from "./guild-deps";
import { joinGuild } from "./join-guild";
import { kickMember } from "./kick-member";
import { leaveGuild } from "./leave-guild";
import { listInvites } from "./list-invites";
import { listMembers } from "./list-members";
import { listMyGuilds } from "./list-my-guilds";
import { listRoles } from "./list-roles";
import { addMemberRole, removeMemberRole } from "./member-roles";
import { previewInvite } from "./preview-invite";
import { reorderRoles } from "./reorder-roles";
import { updateGuild } from "./update-guild";
import { setGuildMfaLevel } from "./guild-mfa";
import { updateMember } from "./update-member";
import { updateRole } from "./update-role";

/** Every guild use case, built on the same ports: what the routes, the gateway and the tools call. */
export const guildUseCases = (deps: GuildDeps) => ({
  createGuild: createGuild(deps),
  getGuild: getGuild(deps),
  updateGuild: updateGuild(deps),
  setGuildMfaLevel: setGuildMfaLevel(deps),
  deleteGuild: deleteGuild(deps),
  listMyGuilds: listMyGuilds(deps),
  leaveGuild: leaveGuild(deps),
  listMembers: listMembers(deps),
  getMember: getMember(deps),
  updateMember: updateMember(deps),
  kickMember: kickMember(deps),
  addMemberRole: addMemberRole(deps),
  removeMemberRole: removeMemberRole(deps),
  listRoles: listRoles(deps),
  createRole: createRole(deps),
  updateRole: updateRole(deps),
  deleteRole: deleteRole(deps),
  reorderRoles: reorderRoles(deps),
  listBans: listBans(deps),
  banUser: banUser(deps),
  unbanUser: unbanUser(deps),
  createInvite: createInvite(deps),
  previewInvite: previewInvite(deps),
  joinGuild: joinGuild(deps),
  deleteInvite: deleteInvite(deps),
  listInvites: listInvites(deps),
  listEmojis: listEmojis(deps),
  getEmoji: getEmoji(deps),
  createEmoji: createEmoji(deps),
  updateEmoji: updateEmoji(deps),
  deleteEmoji: deleteEmoji(deps),
  openEmojiImage: openEmojiImage(deps),
  usableEmoji: usableEmoji(deps),
  listAuditLog: listAuditLog(deps),
});

export type GuildUseCases = ReturnType<typeof guildUseCases>;
