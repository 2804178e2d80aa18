/**
 * Voice end to end, in real browsers: two headless Chromium pages with fake microphones join the guild's
 * `General` voice channel through the gateway (op 4) and the /voice signaling socket, with mediasoup-client over
 * the node's mediasoup SFU. Each must hear the other (inbound RTP), see speaking and stats notifications, stop
 * hearing a server-muted or self-muted member, hear nothing while server- or self-deafened (and be refused
 * resume_consumer then), and the room must close when the last one leaves.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { type GuildBody, apiClient, createGuild, expectStatus, joinAll, registerUsers } from "../support/guild";
import { type TestUser, identityEnv } from "../support/identity";
import { type TestServer, modeNamed, startServer, waitFor } from "../support/server";
import { CHROMIUM, type VoiceBrowser, type VoicePage, type VoicePageEvent, launchVoiceBrowser } from "../support/voice-browser/voice-browser";

const mode = modeNamed("postgres+redis");

/** Media needs a few seconds on a loaded 2-core machine; every wait is still bounded. */
const MEDIA_TIMEOUT_MS = 20_000;
/** How long a muted stream must stay silent: the one observation window of this file, anchored on the mute event. */
const SILENCE_WINDOW_MS = 1500;

/** Voice rooms (routers) open on this node, as /metrics (`xcord_voice_rooms`) and /ready (sfu detail) report them. */
const openRooms = async (server: TestServer): Promise<{ metrics: number | undefined; ready: number | undefined }> => {
  const metrics = await (await server.request("/metrics")).text();
  const gauge = /^xcord_voice_rooms (\d+)$/m.exec(metrics);
  const ready = (await (await server.request("/ready")).json()) as { checks: Record<string, { status: string; detail?: string }> };
  const detail = /(\d+) rooms/.exec(ready.checks.sfu?.detail ?? "");
  return { metrics: gauge ? Number(gauge[1]) : undefined, ready: detail ? Number(detail[1]) : undefined };
};

describe("voice in two real browsers (postgres+redis)", () => {
  let server: TestServer;
  let voice: VoiceBrowser | undefined;
  let owner: TestUser;
  let member: TestUser;
  let guild: GuildBody;
  let channelId: string;
  /** The owner's page and the member's page. */
  let ownerPage: VoicePage;
  let memberPage: VoicePage;
  const api = () => apiClient(server);

  /** The page's recorded events named `name` (from signaling or the gateway) that match, from the `from`-th on. */
  const eventsOf = async (page: VoicePage, name: string, match: (data: any) => boolean = () => true, from = 0): Promise<VoicePageEvent[]> =>
    (await page.events()).slice(from).filter((event) => event.name === name && match(event.data));

  const waitForEvent = (page: VoicePage, name: string, match: (data: any) => boolean, what: string, from = 0) =>
    waitFor(async () => (await eventsOf(page, name, match, from))[0], { timeoutMs: MEDIA_TIMEOUT_MS, intervalMs: 100, what });

  /** Inbound audio packets `page` received from `user` so far. */
  const packetsFrom = (page: VoicePage, user: TestUser) => page.inboundAudioPackets(user.user.id);

  const pageOf = (user: TestUser) => (user === owner ? ownerPage : memberPage);
  const nameOf = (user: TestUser) => (user === owner ? "the owner" : "the member");
  /** Audio from one participant to the other: `from`'s microphone, counted on `to`'s page. */
  type Flow = readonly [from: TestUser, to: TestUser];
  const describeFlow = ([from, to]: Flow) => `${nameOf(from)}'s audio on ${nameOf(to)}'s page`;
  const packetsOf = ([from, to]: Flow) => packetsFrom(pageOf(to), from);

  type VoiceFlags = Partial<Record<"mute" | "deaf" | "self_mute" | "self_deaf", boolean>>;
  /** A voice state change: `change` (a moderation request or an op 4) gives `user` the voice state `flags`. */
  interface VoiceChange {
    readonly user: TestUser;
    readonly flags: VoiceFlags;
    readonly change: () => Promise<unknown>;
  }
  /**
   * Runs `change` (a moderation request or an op 4) and waits until both pages were told that `user` now has
   * `flags`: participant_updated on the signaling socket (sent after the SFU applied it) and VOICE_STATE_UPDATE on
   * the gateway. Only events recorded after the change count, so an earlier state with the same flags does not.
   */
  const changeVoiceState = async ({ user, flags, change }: VoiceChange) => {
    const pages = [ownerPage, memberPage];
    const marks = await Promise.all(pages.map(async (page) => (await page.events()).length));
    await change();
    const has = (d: any) => d.user_id === user.user.id && Object.entries(flags).every(([flag, value]) => d[flag] === value);
    const what = `${nameOf(user)} with ${JSON.stringify(flags)}`;
    for (const [i, page] of pages.entries()) {
      await waitForEvent(page, "participant_updated", has, `participant_updated: ${what}`, marks[i]);
      await waitForEvent(page, "VOICE_STATE_UPDATE", has, `VOICE_STATE_UPDATE: ${what}`, marks[i]);
    }
  };

  /**
   * After `flow` was paused: packets in flight when it paused may still land, so wait until two samples agree
   * (bounded), then require the count to stay flat for the window, while `other` (the opposite direction) keeps
   * flowing. Resolves with the count the flow stopped at.
   */
  const expectFlowStopped = async (flow: Flow, other: Flow): Promise<number> => {
    let previous = -1;
    const stoppedAt = await waitFor(
      async () => {
        const now = await packetsOf(flow);
        const stopped = now === previous;
        previous = now;
        return stopped ? now : undefined;
      },
      { timeoutMs: MEDIA_TIMEOUT_MS, intervalMs: 300, what: `${describeFlow(flow)} to stop` },
    );
    const otherAtStop = await packetsOf(other);
    const windowEnd = Date.now() + SILENCE_WINDOW_MS;
    while (Date.now() < windowEnd) {
      expect(await packetsOf(flow)).toBe(stoppedAt);
      await Bun.sleep(250);
    }
    expect(await packetsOf(flow)).toBe(stoppedAt);
    expect(await packetsOf(other)).toBeGreaterThan(otherAtStop);
    return stoppedAt;
  };

  /** Waits until `flow` carries packets again after stopping at `stoppedAt`. */
  const expectFlowResumed = async (flow: Flow, stoppedAt: number) =>
    expect(await waitForPacketsFrom(pageOf(flow[1]), flow[0], stoppedAt, `${describeFlow(flow)} to resume`)).toBeGreaterThan(stoppedAt);

  /**
   * `silence` stops `flow` while the opposite direction keeps flowing, `whileSilent` runs in that state, and
   * `restore` makes `flow` carry packets again.
   */
  const expectSilencedThenRestored = async (flow: Flow, silence: VoiceChange, restore: VoiceChange, whileSilent = async () => {}) => {
    const before = await packetsOf(flow);
    await changeVoiceState(silence);
    const stoppedAt = await expectFlowStopped(flow, [flow[1], flow[0]]);
    expect(stoppedAt).toBeGreaterThanOrEqual(before);
    await whileSilent();
    await changeVoiceState(restore);
    await expectFlowResumed(flow, stoppedAt);
  };

  /** The owner server-mutes or -deafens the member (PATCH voice-states): `flow` stops; lifting it resumes it. */
  const expectModerated = (flag: "mute" | "deaf", flow: Flow, whileSilent?: () => Promise<void>) => {
    const patch = (value: boolean): VoiceChange => ({
      user: member,
      flags: { [flag]: value },
      change: async () => expectStatus(await api().patch(`/guilds/${guild.id}/voice-states/${member.user.id}`, owner, { [flag]: value }), 200),
    });
    return expectSilencedThenRestored(flow, patch(true), patch(false), whileSilent);
  };
  /**
   * The member sends op 4 with `flag` set (the other self flag off): `flow` stops; sending both off resumes it.
   * (Only self mute / self deafen change: the member stays in the channel.)
   */
  const expectSelfSilenced = (flag: "self_mute" | "self_deaf", flow: Flow) => {
    const op4 = (flags: { self_mute: boolean; self_deaf: boolean }): VoiceChange => ({
      user: member,
      flags,
      change: () => memberPage.updateSelf({ selfMute: flags.self_mute, selfDeaf: flags.self_deaf }),
    });
    const silenced = { self_mute: false, self_deaf: false, [flag]: true };
    return expectSilencedThenRestored(flow, op4(silenced), op4({ self_mute: false, self_deaf: false }));
  };

  /** Waits until `page` has received more than `above` packets from `user`. */
  const waitForPacketsFrom = (page: VoicePage, user: TestUser, above: number, what: string) =>
    waitFor(async () => ((await packetsFrom(page, user)) > above ? packetsFrom(page, user) : undefined), {
      timeoutMs: MEDIA_TIMEOUT_MS,
      intervalMs: 200,
      what,
    });

  /** On failure, what each page saw: the assertion alone says too little about a media problem. */
  const diagnose = async (error: unknown): Promise<never> => {
    for (const [name, page] of [
      ["owner", ownerPage],
      ["member", memberPage],
    ] as const) {
      if (!page) continue;
      const state = await page.state().catch((cause: unknown) => ({ unavailable: String(cause) }));
      const events = await page.events().catch(() => []);
      console.error(`${name} page state: ${JSON.stringify(state)}`);
      const lines = events.map((event) => `${event.at} ${event.source}:${event.name} ${JSON.stringify(event.data).slice(0, 200)}`);
      console.error(`${name} page events:\n${lines.join("\n")}`);
      console.error(`${name} page console:\n${page.console.slice(-20).join("\n")}`);
    }
    console.error(`rooms: ${JSON.stringify(await openRooms(server).catch(String))}`);
    console.error(`server log (last 30):\n${server.logs.slice(-30).join("\n")}`);
    throw error;
  };
  const step = <T>(run: () => Promise<T>): Promise<T> => run().catch(diagnose);

  beforeAll(async () => {
    expect(existsSync(CHROMIUM)).toBe(true);
    // Media workers bind loopback: the browsers run on this machine, and ICE needs an address they can reach.
    server = await startServer(
      mode,
      identityEnv(mode, { MEDIASOUP_WORKERS: "1", MEDIASOUP_LISTEN_IP: "127.0.0.1", VOICE_STATS_INTERVAL_MS: "1000" }),
    );
    [owner, member] = await registerUsers(server, 2);
    guild = await createGuild(api(), owner, "Voice E2E");
    await joinAll(api(), owner, guild, [member]);
    const general = guild.channels.find((channel) => channel.type === 2 && channel.name === "General");
    if (!general) throw new Error(`the new guild has no General voice channel: ${JSON.stringify(guild.channels)}`);
    channelId = general.id;
    voice = await launchVoiceBrowser();
    [ownerPage, memberPage] = [await voice.openPage(), await voice.openPage()];
  }, 90_000);

  afterAll(async () => {
    await voice?.close();
    await server?.stop();
  }, 30_000);

  const joinOptions = (user: TestUser) => ({
    gatewayUrl: `${server.url.replace(/^http/, "ws")}/gateway`,
    token: user.access_token,
    guildId: guild.id,
    channelId,
  });

  test("both join General through the gateway and the signaling socket, and each hears the other", () =>
    step(async () => {
      const joinedOwner = await ownerPage.join(joinOptions(owner));
      const joinedMember = await memberPage.join(joinOptions(member));
      expect(joinedOwner.userId).toBe(owner.user.id);
      expect(joinedMember.userId).toBe(member.user.id);

      // The gateway said who is where: the owner's page saw the member arrive in General.
      const inGeneral = (d: any) => d.user_id === member.user.id && d.channel_id === channelId;
      await waitForEvent(ownerPage, "VOICE_STATE_UPDATE", inGeneral, "the member's VOICE_STATE_UPDATE");
      await waitForEvent(ownerPage, "participant_joined", (d) => d.user_id === member.user.id, "participant_joined for the member");

      expect(await waitForPacketsFrom(ownerPage, member, 0, "the member's audio on the owner's page")).toBeGreaterThan(0);
      expect(await waitForPacketsFrom(memberPage, owner, 0, "the owner's audio on the member's page")).toBeGreaterThan(0);
      expect(await openRooms(server)).toEqual({ metrics: 1, ready: 1 });
    }), 60_000);

  test("speaking starts and stops arrive for the other participant (the fake microphone talks, then pauses)", () =>
    step(async () => {
      for (const [page, speaker] of [
        [ownerPage, member],
        [memberPage, owner],
      ] as const) {
        await waitForEvent(page, "speaking", (d) => d.user_id === speaker.user.id && d.speaking === true, `${speaker.username} speaking`);
        await waitForEvent(page, "speaking", (d) => d.user_id === speaker.user.id && d.speaking === false, `${speaker.username} stopping`);
        // Edges, not levels: from the first start on, starts and stops alternate. (A page that joined while the
        // other was already speaking may see a stop first: the start went out before it was there.)
        const edges = (await eventsOf(page, "speaking", (d) => d.user_id === speaker.user.id)).map((event) => event.data.speaking);
        const fromStart = edges.slice(edges.indexOf(true));
        expect(fromStart).toEqual(fromStart.map((_, i) => i % 2 === 0));
      }
    }), 60_000);

  test("stats notifications arrive with an entry per producing participant", () =>
    step(async () => {
      const hasEntryFor = (user: TestUser) => (d: any) =>
        Array.isArray(d.participants) && d.participants.some((entry: any) => entry.user_id === user.user.id && entry.packets > 0);
      const stats = await waitForEvent(ownerPage, "stats", hasEntryFor(member), "stats with the member's stream");
      const entry = (stats.data.participants as any[]).find((candidate) => candidate.user_id === member.user.id);
      expect(entry).toEqual({
        user_id: member.user.id,
        kind: "audio",
        score: expect.any(Number),
        packet_loss: expect.any(Number),
        jitter_ms: expect.any(Number),
        bitrate: expect.any(Number),
        packets: expect.any(Number),
      });
      await waitForEvent(memberPage, "stats", hasEntryFor(owner), "stats with the owner's stream");
    }), 60_000);

  test("a server mute stops the member's audio reaching the owner; unmuting resumes it", () =>
    step(() => expectModerated("mute", [member, owner])), 60_000);

  test("a server deafen stops the owner's audio reaching the member, who may not resume it; undeafening resumes it", () =>
    step(() =>
      expectModerated("deaf", [owner, member], async () => {
        // The member's client resumed its consumer of the owner when it arrived; asking again is refused.
        const [announced] = (await eventsOf(memberPage, "consumer_new", (d) => d.user_id === owner.user.id)).slice(-1);
        if (!announced) throw new Error("the member's page never got a consumer_new for the owner");
        expect(await memberPage.request("resume_consumer", { consumer_id: announced.data.consumer_id })).toEqual({
          ok: false,
          error: { status: 403, code: 50013, message: expect.any(String) },
        });
      }),
    ), 60_000);

  test("a self mute (op 4) stops the member's audio reaching the owner; a self unmute resumes it", () =>
    step(() => expectSelfSilenced("self_mute", [member, owner])), 60_000);

  test("a self deafen (op 4) stops the owner's audio reaching the member; a self undeafen resumes it", () =>
    step(() => expectSelfSilenced("self_deaf", [owner, member])), 60_000);

  test("leaving closes the signaling socket, and the room closes when the last participant leaves", () =>
    step(async () => {
      expect(await memberPage.leave()).toEqual({ closeCode: 4006 });
      await waitForEvent(ownerPage, "participant_left", (d) => d.user_id === member.user.id, "participant_left for the member");
      const left = (d: any) => d.user_id === member.user.id && d.channel_id === null;
      await waitForEvent(ownerPage, "VOICE_STATE_UPDATE", left, "the member's leave on the gateway");
      expect(await openRooms(server)).toEqual({ metrics: 1, ready: 1 });

      expect(await ownerPage.leave()).toEqual({ closeCode: 4006 });
      await waitForEvent(ownerPage, "VOICE_CALL_ENDED", (d) => d.channel_id === channelId, "VOICE_CALL_ENDED");
      await waitFor(
        async () => {
          const rooms = await openRooms(server);
          return rooms.metrics === 0 && rooms.ready === 0;
        },
        { timeoutMs: MEDIA_TIMEOUT_MS, intervalMs: 100, what: "xcord_voice_rooms and /ready's sfu detail to say 0 rooms" },
      );
      const states = expectStatus(await api().get<unknown[]>(`/guilds/${guild.id}/voice-states`, owner), 200);
      expect(states).toEqual([]);
    }), 60_000);
});
