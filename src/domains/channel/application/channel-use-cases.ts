import type { ChannelDeps } from "./channel-deps";
import { createChannel } from "./create-channel";
import { deleteChannel } from "./delete-channel";
import { listDms, openDm } from "./direct-messages";
import { getChannel } from "./get-channel";
import { listGuildChannels, visibleChannels } from "./list-guild-channels";
import { deleteOverwrite, putOverwrite } from "./overwrites";
import { reorderChannels } from "./reorder-channels";
import { updateChannel } from "./update-channel";
import { archiveIdleThreads } from "./archive-threads";
import { listActiveThreads, listArchivedThreads, listJoinedArchivedThreads, visibleActiveThreads } from "./list-threads";
import { startThread, startThreadFromMessage } from "./start-thread";
import { startWebhookForumPost } from "./start-forum-post";
import { addThreadMember, getThreadMember, joinThread, leaveGuildThreads, leaveThread, listThreadMembers, removeThreadMember } from "./thread-members";
import { threadMessageSent } from "./update-thread";

/** Every channel use case, built on the same ports: what the routes, the gateway and the guild domain call. */
export const channelUseCases = (deps: ChannelDeps) => ({
  listGuildChannels: listGuildChannels(deps),
  visibleChannels: visibleChannels(deps),
  createChannel: createChannel(deps),
  reorderChannels: reorderChannels(deps),
  getChannel: getChannel(deps),
  updateChannel: updateChannel(deps),
  deleteChannel: deleteChannel(deps),
  putOverwrite: putOverwrite(deps),
  deleteOverwrite: deleteOverwrite(deps),
  openDm: openDm(deps),
  listDms: listDms(deps),
  startThreadFromMessage: startThreadFromMessage(deps),
  startThread: startThread(deps),
  startWebhookForumPost: startWebhookForumPost(deps),
  joinThread: joinThread(deps),
  leaveThread: leaveThread(deps),
  addThreadMember: addThreadMember(deps),
  removeThreadMember: removeThreadMember(deps),
  leaveGuildThreads: leaveGuildThreads(deps),
  getThreadMember: getThreadMember(deps),
  listThreadMembers: listThreadMembers(deps),
  listActiveThreads: listActiveThreads(deps),
  visibleActiveThreads: visibleActiveThreads(deps),
  listArchivedThreads: listArchivedThreads(deps),
  listJoinedArchivedThreads: listJoinedArchivedThreads(deps),
  threadMessageSent: threadMessageSent(deps),
  archiveIdleThreads: archiveIdleThreads(deps),
  /** A channel's active threads, whoever asks (the gateway filters them per session). */
  activeThreadsIn: async (guildId: string, channelId: string) => (await deps.threads.listActive(guildId)).filter((thread) => thread.parentId === channelId),
});

export type ChannelUseCases = ReturnType<typeof channelUseCases>;
