import type { CommitNotice, CommitNotices } from "../../src/shared/kernel/ports";

/** Notices delivered by hand, and a switch for whether the node hears them. */
export const fakeNotices = () => {
  const watchers: Array<{ types: ReadonlySet<string>; handle: (notices: readonly CommitNotice[]) => void; onLost: () => void }> = [];
  let hearing = true;
  const notices: CommitNotices = {
    watch(types, handle, onLost) {
      const watcher = { types, handle, onLost };
      watchers.push(watcher);
      return () => void watchers.splice(watchers.indexOf(watcher), 1);
    },
    hearing: () => hearing,
    announce: async () => {},
  };
  return {
    notices,
    notify: (notice: Partial<CommitNotice> & { type: string }) => {
      const full = { channelId: null, guildId: null, userId: null, messageId: null, ...notice };
      for (const watcher of watchers) if (watcher.types.has(full.type)) watcher.handle([full]);
    },
    lose: () => {
      hearing = false;
      for (const watcher of watchers) watcher.onLost();
    },
    regain: () => void (hearing = true),
  };
};
