import { openAttachment, purgeUnused, uploadAttachment } from "./attachments";
import { deleteBannedUserMessages } from "./ban-cleanup";
import { bulkDeleteMessages, deleteMessage } from "./delete-messages";
import { editMessage } from "./edit-message";
import type { MessageDeps } from "./message-deps";
import { pinMessage, unpinMessage } from "./pins";
import { addReaction, listReactionUsers, removeReaction } from "./reactions";
import { getMessage, listMessages, listPins, listPinsPage, starterMessageUpdate } from "./read-messages";
import { ackMessage, readStates } from "./read-states";
import { searchMessages } from "./search-messages";
import { sendMessage } from "./send-message";
import { startTyping } from "./typing";

/** Every message use case, built on the same ports: what the routes, the gateway and the background jobs call. */
export const messageUseCases = (deps: MessageDeps) => ({
  sendMessage: sendMessage(deps),
  listMessages: listMessages(deps),
  getMessage: getMessage(deps),
  starterMessageUpdate: starterMessageUpdate(deps),
  editMessage: editMessage(deps),
  deleteMessage: deleteMessage(deps),
  bulkDeleteMessages: bulkDeleteMessages(deps),
  addReaction: addReaction(deps),
  removeReaction: removeReaction(deps),
  listReactionUsers: listReactionUsers(deps),
  listPins: listPins(deps),
  listPinsPage: listPinsPage(deps),
  pinMessage: pinMessage(deps),
  unpinMessage: unpinMessage(deps),
  startTyping: startTyping(deps),
  ackMessage: ackMessage(deps),
  readStates: readStates(deps),
  searchMessages: searchMessages(deps),
  uploadAttachment: uploadAttachment(deps),
  openAttachment: openAttachment(deps),
  purgeUnused: purgeUnused(deps),
  deleteBannedUserMessages: deleteBannedUserMessages(deps),
});

export type MessageUseCases = ReturnType<typeof messageUseCases>;
