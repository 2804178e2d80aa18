import type { ChannelDeps } from "./channel-deps";
import { createChannel } from "./create-channel";
import { deleteChannel } from "./delete-channel";
import { listDms, openDm } from "./direct-messages";
import { getChannel } from "./get-channel";
import { listGuildChannels, visibleChannels } from "./list-guild-channels";
import { deleteOverwrite, putOverwrite } from "./overwrites";
import { reorderChannels } from "./reorder-channels";
import { updateChannel } from "./update-channel";

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
});

export type ChannelUseCases = ReturnType<typeof channelUseCases>;
