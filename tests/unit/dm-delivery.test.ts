import { describe, expect, test } from "bun:test";
import { type SenderMark, createDeliveryTracker } from "../../src/domains/message/application/dm-delivery";
import { deliveryStatus, isAfter } from "../../src/domains/message/domain/delivery";
import type { DomainEvent } from "../../src/shared/kernel/domain-event";

const sent = (id: string, channelId: string, authorId: string, guildId?: string): DomainEvent =>
  ({ id: `e${id}`, type: "MESSAGE_SENT", occurredAt: "", topics: [], data: { id, channel_id: channelId, author: { id: authorId }, ...(guildId ? { guild_id: guildId } : {}) } }) as DomainEvent;

describe("DM delivery marks", () => {
  test("coalesced per (DM, recipient) to the newest message; the author's own sessions, guild messages and other events mark nothing", async () => {
    const written: SenderMark[][] = [];
    const tracker = createDeliveryTracker({ markDelivered: async (marks) => void written.push([...marks]), flushEveryMs: 60_000, onError: () => {} });
    const bob = { userId: "20" };
    tracker.forwarded(sent("100", "1", "10"), bob);
    tracker.forwarded(sent("300", "1", "10"), bob);
    tracker.forwarded(sent("200", "1", "10"), bob);
    tracker.forwarded(sent("1000", "1", "10"), { userId: "10" });
    tracker.forwarded(sent("400", "5", "10", "9"), bob);
    tracker.forwarded({ ...sent("500", "1", "10"), type: "MESSAGE_UPDATED" }, bob);
    tracker.forwarded(sent("50", "2", "30"), bob);
    await tracker.flush();
    tracker.close();
    expect(written).toEqual([
      [
        { channelId: "1", userId: "20", messageId: "300", senderId: "10" },
        { channelId: "2", userId: "20", messageId: "50", senderId: "30" },
      ],
    ]);
    await tracker.flush();
    expect(written).toHaveLength(1);
  });

  test("a message's status: read up to the read state, else delivered up to the mark, else sent", () => {
    expect(isAfter("1000", "999")).toBe(true);
    expect(isAfter("999", "1000")).toBe(false);
    const state = { deliveredUpTo: "300", readUpTo: "200" };
    expect(["100", "200", "250", "300", "301"].map((id) => deliveryStatus(id, state))).toEqual(["read", "read", "delivered", "delivered", "sent"]);
    expect(deliveryStatus("1", { deliveredUpTo: null, readUpTo: null })).toBe("sent");
  });
});
