import { randomBytes } from "node:crypto";
import { Secret, TOTP } from "otpauth";
import { Permission, type PermissionName } from "../../src/shared/kernel/permissions";
import { type Actor, type World, freshSession } from "./authorization";
import { expectStatus } from "./guild";
import { type TestUser, registerUser, uniqueUsername } from "./identity";
import { pngBytes, send } from "./message";

/**
 * THE table of who may call what (issue 9): one row per route (several where a route has several rules), keyed by
 * the OpenAPI document's `METHOD /path`, so that a test can prove no documented route is missing.
 */
export type Access =
  /** Anyone, with or without a token (operations, register, login, refresh, invite preview, signed attachment links). */
  | { readonly kind: "public" }
  /** Any signed-in user, about their own account. */
  | { readonly kind: "self" }
  /**
   * A member of the guild holding `needs` ("membership": being a member that sees the channel is enough), and the
   * permissions in `also` that the route requires as well (reacting to or pinning a message means reading it).
   */
  | { readonly kind: "guild"; readonly needs: PermissionName | "membership" | "owner"; readonly also?: readonly PermissionName[] }
  /** The author of the message only; other members get 403 50005 whatever they hold. */
  | { readonly kind: "author" }
  /** Joining by invite: any signed-in user not banned from the guild. */
  | { readonly kind: "join" };

/** One HTTP call: a path from the root, a JSON body or a form, and who calls (default: the actor). */
export interface Call {
  readonly path: string;
  readonly body?: unknown;
  readonly form?: FormData;
  /** Overrides the caller, e.g. a fresh session of the actor for routes that end the session they use. */
  readonly as?: TestUser | null;
}

export interface Row {
  readonly op: string;
  readonly note?: string;
  readonly access: Access;
  /** The success status. */
  readonly ok: number;
  /** Builds the call for `actor`, creating fresh targets as the owner first where the call consumes them. */
  call(world: World, actor: Actor, as: TestUser | null): Promise<Call> | Call;
  /** Where the rule of `access` is not the whole story: [status, code?]. */
  readonly expect?: Partial<Record<Actor, readonly [number, number?]>>;
}

/** What `actor` must get from `row`: [status, API code or undefined]. */
export const expectedFor = (row: Row, actor: Actor): readonly [number, number?] => {
  const override = row.expect?.[actor];
  if (override) return override;
  const { access } = row;
  if (access.kind === "public") return [row.ok];
  if (actor === "anonymous") return [401, 40001];
  if (access.kind === "self") return [row.ok];
  if (access.kind === "join") return actor === "banned" ? [403, 50013] : [row.ok];
  if (actor === "nonMember" || actor === "banned") return [403, 50001];
  if (actor === "owner") return [row.ok];
  if (access.kind === "author") return [403, 50005];
  if (access.needs === "membership") return [row.ok];
  if (actor === "lacking" || access.needs === "owner") return [403, 50013];
  return [row.ok];
};

/** The Granted role's permissions for `row`: exactly what it names; ADMINISTRATOR for owner-only routes. */
export const grantFor = (row: Row): bigint => {
  const { access } = row;
  if (access.kind !== "guild") return 0n;
  if (access.needs === "owner") return Permission.ADMINISTRATOR;
  const also = (access.also ?? []).reduce((all, name) => all | Permission[name], 0n);
  return (access.needs === "membership" ? 0n : Permission[access.needs]) | also;
};

const publicRow = (op: string, ok: number, call: Row["call"]): Row => ({ op, access: { kind: "public" }, ok, call });
const self = (op: string, ok: number, call: Row["call"], more: Partial<Row> = {}): Row => ({ op, access: { kind: "self" }, ok, call, ...more });
const guild = (op: string, needs: PermissionName | "membership" | "owner", ok: number, call: Row["call"], more: Partial<Row> & { also?: PermissionName[] } = {}): Row => ({
  op,
  access: { kind: "guild", needs, ...(more.also ? { also: more.also } : {}) },
  ok,
  call,
  ...more,
});

const me = (as: TestUser | null, w: World) => as ?? w.users.owner;
const fresh = async (w: World, body: string) => send(w.api, w.users.owner, w.channel.id, body);
/** A webhook of the owner's in the matrix channel: a fresh one for the routes that delete it, else one per world. */
const freshWebhook = async (w: World) =>
  expectStatus(await w.api.post<{ id: string; token: string }>(`/channels/${w.channel.id}/webhooks`, w.users.owner, { name: "Matrix" }), 201);
const worldWebhooks = new WeakMap<World, Promise<{ id: string; token: string }>>();
const webhookOf = (w: World) => {
  if (!worldWebhooks.has(w)) worldWebhooks.set(w, freshWebhook(w));
  return worldWebhooks.get(w)!;
};
/** A message the world's webhook sent: a fresh one for the route that deletes it. */
const webhookMessage = async (w: World) => {
  const hook = await webhookOf(w);
  const response = await w.server.request(`/api/v1/webhooks/${hook.id}/${hook.token}?wait=true`, { method: "POST", json: { content: "hooked" } });
  if (response.status !== 200) throw new Error(`webhook execute answered ${response.status}`);
  return { hook, message: (await response.json()) as { id: string } };
};
/** One application per user for the matrix (made on first use), with its bot once `withBot` asked for it. */
const applications = new Map<string, Promise<{ id: string }>>();
const applicationOf = (w: World, user: TestUser, withBot = false): Promise<{ id: string }> => {
  const key = `${user.user.id}:${withBot}`;
  let made = applications.get(key);
  if (!made) {
    made = (async () => {
      const app = expectStatus(await w.api.post<{ id: string }>("/applications", user, { name: "Matrix App" }), 201);
      if (withBot) expectStatus(await w.api.post(`/applications/${app.id}/bot`, user), 201);
      return app;
    })();
    applications.set(key, made);
  }
  return made;
};
/** People calling a route for bot tokens only: 403 20002. */
const botsOnly = { owner: [403, 20002], granted: [403, 20002], lacking: [403, 20002], banned: [403, 20002], nonMember: [403, 20002] } as const;
/** The owner's emoji, uploaded through the use case (the upload route's bucket allows 5 per 10 s): fresh, or one per world. */
const PNG_DATA = () => `data:image/png;base64,${Buffer.from(pngBytes()).toString("base64")}`;
const freshEmoji = async (w: World) =>
  (await w.server.app.guild.useCases.createEmoji(w.users.owner.user.id, w.guild.id, { name: `e_${randomBytes(4).toString("hex")}`, image: PNG_DATA() })).emojis[0]!;
const worldEmojis = new WeakMap<World, Promise<{ id: string; name: string }>>();
const emojiOf = (w: World) => {
  if (!worldEmojis.has(w)) worldEmojis.set(w, freshEmoji(w));
  return worldEmojis.get(w)!;
};
/** A public thread of the owner's in the matrix channel: a fresh one for the routes that change or delete it, else one per world. */
const freshThread = async (w: World, type: 11 | 12 = 11) =>
  expectStatus(await w.api.post<{ id: string }>(`/channels/${w.channel.id}/threads`, w.users.owner, { name: "Matrix thread", type }), 201);
const worldThreads = new WeakMap<World, Promise<{ id: string }>>();
const threadOf = (w: World) => {
  if (!worldThreads.has(w)) worldThreads.set(w, freshThread(w));
  return worldThreads.get(w)!;
};
/** A forum of the owner's with an open and a moderated tag: a fresh one for the routes that change it, else one per world. */
interface MatrixForum {
  readonly id: string;
  readonly available_tags: ReadonlyArray<{ readonly id: string; readonly moderated: boolean }>;
}
const freshForum = async (w: World) =>
  expectStatus(
    await w.api.post<MatrixForum>(`/guilds/${w.guild.id}/channels`, w.users.owner, { name: "matrix-forum", type: 15, available_tags: [{ name: "open" }, { name: "staff", moderated: true }] }),
    201,
  );
const worldForums = new WeakMap<World, Promise<MatrixForum>>();
const forumOf = (w: World) => {
  if (!worldForums.has(w)) worldForums.set(w, freshForum(w));
  return worldForums.get(w)!;
};
const tagOf = (forum: MatrixForum, moderated: boolean) => forum.available_tags.find((tag) => tag.moderated === moderated)!.id;
/** A post of the owner's in `forum` (the world's unless given). */
const freshPost = async (w: World, forum?: MatrixForum) =>
  expectStatus(await w.api.post<{ id: string }>(`/channels/${(forum ?? (await forumOf(w))).id}/threads`, w.users.owner, { name: "Matrix post", message: { content: "first" } }), 201);
/** The TOTP code of `secret` one step ahead: accepted (±1 step) and later than the step that enabled it. */
const nextCode = (secret: string) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() + 30_000 });
/** A throwaway account with two-factor login on (the actors' own logins must stay single-factor). */
const enrolledUser = async (w: World) => {
  const user = await registerUser(w.server);
  const secret = new Secret({ size: 20 }).base32;
  const code = TOTP.generate({ secret: Secret.fromBase32(secret) });
  expectStatus(await w.api.post("/users/@me/mfa/totp/enable", user, { secret, code, password: user.password }), 200);
  return { user, secret };
};
const freshRole = async (w: World) => expectStatus(await w.api.post<{ id: string }>(`/guilds/${w.guild.id}/roles`, w.users.owner, { name: "temp" }), 201);

export const AUTHORIZATION_TABLE: readonly Row[] = [
  publicRow("GET /health", 200, () => ({ path: "/health" })),
  publicRow("GET /ready", 200, () => ({ path: "/ready" })),
  publicRow("GET /metrics", 200, () => ({ path: "/metrics" })),
  publicRow("GET /api/v1/gateway", 200, () => ({ path: "/api/v1/gateway" })),
  self("GET /api/v1/gateway/bot", 200, () => ({ path: "/api/v1/gateway/bot" })),
  publicRow("POST /api/v1/auth/register", 201, () => {
    const username = uniqueUsername("reg");
    return { path: "/api/v1/auth/register", body: { username, email: `${username}@example.test`, password: "correct horse battery" } };
  }),
  publicRow("POST /api/v1/auth/login", 200, (w) => ({ path: "/api/v1/auth/login", body: { login: w.users.victim.email, password: w.users.victim.password } })),
  publicRow("POST /api/v1/auth/refresh", 200, async (w) => ({ path: "/api/v1/auth/refresh", body: { refresh_token: (await freshSession(w, w.users.victim)).refresh_token } })),
  publicRow("POST /api/v1/auth/mfa/totp", 200, async (w) => {
    const { user, secret } = await enrolledUser(w);
    const { ticket } = expectStatus(await w.api.post<{ ticket: string }>("/auth/login", null, { login: user.username, password: user.password }), 200);
    return { path: "/api/v1/auth/mfa/totp", body: { ticket, code: nextCode(secret) } };
  }),
  publicRow("GET /api/v1/emojis/{file}", 200, async (w) => ({ path: `/api/v1/emojis/${(await emojiOf(w)).id}.png` })),
  publicRow("GET /api/v1/invites/{code}", 200, (w) => ({ path: `/api/v1/invites/${w.invite.code}` })),
  publicRow("GET /api/v1/attachments/{id}/{filename}", 200, async (w) => {
    const form = new FormData();
    form.append("file", new File([pngBytes()], "a.png", { type: "image/png" }));
    const uploaded = await w.server.request(`/api/v1/channels/${w.channel.id}/attachments`, { method: "POST", body: form, token: w.users.owner.access_token });
    const { id } = (await uploaded.json()) as { id: string };
    const message = await send(w.api, w.users.owner, w.channel.id, { content: "file", attachments: [id] });
    return { path: new URL(message.attachments[0]!.url).pathname + new URL(message.attachments[0]!.url).search };
  }),

  self("POST /api/v1/auth/logout", 204, async (w, _actor, as) => ({ path: "/api/v1/auth/logout", as: as && (await freshSession(w, as)) })),
  self("GET /api/v1/users/@me", 200, () => ({ path: "/api/v1/users/@me" })),
  self("PATCH /api/v1/users/@me", 200, () => ({ path: "/api/v1/users/@me", body: { display_name: "Matrix" } })),
  self("DELETE /api/v1/users/@me", 204, async (w, _actor, as) => {
    // Each actor deletes a throwaway account of its own: the actors themselves must survive the matrix.
    const throwaway = as && (await registerUser(w.server));
    return { path: "/api/v1/users/@me", body: { password: throwaway?.password ?? "whatever-password" }, as: throwaway };
  }),
  self("GET /api/v1/users/@me/sessions", 200, () => ({ path: "/api/v1/users/@me/sessions" })),
  self("GET /api/v1/users/@me/mfa/totp/secret", 200, () => ({ path: "/api/v1/users/@me/mfa/totp/secret" })),
  self("POST /api/v1/users/@me/mfa/totp/enable", 200, async (w, _actor, as) => {
    const throwaway = as && (await registerUser(w.server));
    const secret = new Secret({ size: 20 }).base32;
    const code = TOTP.generate({ secret: Secret.fromBase32(secret) });
    return { path: "/api/v1/users/@me/mfa/totp/enable", body: { secret, code, password: throwaway?.password ?? "whatever-password" }, as: throwaway };
  }),
  self("POST /api/v1/users/@me/mfa/totp/disable", 204, async (w, _actor, as) => {
    const enrolled = as && (await enrolledUser(w));
    return { path: "/api/v1/users/@me/mfa/totp/disable", body: { code: enrolled ? nextCode(enrolled.secret) : "123456" }, as: enrolled?.user ?? null };
  }),
  self("POST /api/v1/users/@me/mfa/codes", 200, async (w, _actor, as) => {
    const enrolled = as && (await enrolledUser(w));
    return { path: "/api/v1/users/@me/mfa/codes", body: { password: enrolled?.user.password ?? "whatever-password" }, as: enrolled?.user ?? null };
  }),
  self("DELETE /api/v1/users/@me/sessions/{id}", 204, async (w, _actor, as) => {
    const other = await freshSession(w, me(as, w));
    const sid = JSON.parse(Buffer.from(other.access_token.split(".")[1]!, "base64url").toString()).sid as string;
    return { path: `/api/v1/users/@me/sessions/${sid}` };
  }),
  self("GET /api/v1/users/{id}", 200, (w) => ({ path: `/api/v1/users/${w.users.victim.user.id}` })),
  self("GET /api/v1/users/@me/guilds", 200, () => ({ path: "/api/v1/users/@me/guilds" })),
  self("GET /api/v1/users/@me/channels", 200, () => ({ path: "/api/v1/users/@me/channels" })),
  self("POST /api/v1/users/@me/channels", 200, (w) => ({ path: "/api/v1/users/@me/channels", body: { recipient_id: w.users.victim.user.id } })),
  // Friend requests to the victim, who never answers: each call leaves the pair as it was (outgoing, or nothing).
  self("GET /api/v1/users/@me/relationships", 200, () => ({ path: "/api/v1/users/@me/relationships" })),
  self("PUT /api/v1/users/@me/relationships/{user_id}", 204, (w) => ({ path: `/api/v1/users/@me/relationships/${w.users.victim.user.id}`, body: {} })),
  self("DELETE /api/v1/users/@me/relationships/{user_id}", 204, (w) => ({ path: `/api/v1/users/@me/relationships/${w.users.victim.user.id}` })),
  self("POST /api/v1/users/@me/relationships", 204, (w) => ({ path: "/api/v1/users/@me/relationships", body: { username: w.users.victim.user.username } })),
  self("POST /api/v1/applications", 201, () => ({ path: "/api/v1/applications", body: { name: "Matrix App" } })),
  self("GET /api/v1/applications", 200, () => ({ path: "/api/v1/applications" })),
  self("GET /api/v1/applications/{id}", 200, async (w, _actor, as) => ({ path: `/api/v1/applications/${as ? (await applicationOf(w, as)).id : "1"}` }), {
    note: "the caller's own; anyone else's is 404 10002",
  }),
  self("PATCH /api/v1/applications/{id}", 200, async (w, _actor, as) => ({ path: `/api/v1/applications/${as ? (await applicationOf(w, as)).id : "1"}`, body: { description: "matrix" } })),
  self("POST /api/v1/applications/{id}/bot", 201, async (w, _actor, as) => {
    // A fresh application each time: the bot can be created once.
    const app = as && expectStatus(await w.api.post<{ id: string }>("/applications", as, { name: "Matrix Bot" }), 201);
    return { path: `/api/v1/applications/${app?.id ?? "1"}/bot` };
  }),
  self("POST /api/v1/applications/{id}/bot/reset", 200, async (w, _actor, as) => ({ path: `/api/v1/applications/${as ? (await applicationOf(w, as, true)).id : "1"}/bot/reset` })),
  self("GET /api/v1/applications/@me", 200, () => ({ path: "/api/v1/applications/@me" }), { note: "bot tokens only", expect: botsOnly }),
  self("GET /api/v1/oauth2/applications/@me", 200, () => ({ path: "/api/v1/oauth2/applications/@me" }), { note: "bot tokens only", expect: botsOnly }),
  self("POST /api/v1/guilds", 201, () => ({ path: "/api/v1/guilds", body: { name: `g-${randomBytes(3).toString("hex")}` } })),
  {
    op: "POST /api/v1/invites/{code}",
    access: { kind: "join" },
    ok: 200,
    call: (w) => ({ path: `/api/v1/invites/${w.invite.code}` }),
  },
  guild("DELETE /api/v1/users/@me/guilds/{id}", "membership", 204, (w) => ({ path: `/api/v1/users/@me/guilds/${w.guild.id}` }), {
    note: "leave; the owner cannot",
    expect: { owner: [400, 50035] },
  }),

  guild("GET /api/v1/guilds/{id}", "membership", 200, (w) => ({ path: `/api/v1/guilds/${w.guild.id}` })),
  guild("POST /api/v1/guilds/{id}/mfa", "owner", 200, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/mfa`, body: { level: 0 } }), {
    note: "the matrix's owner has no two-factor login",
    expect: { owner: [403, 60003] },
  }),
  guild("PATCH /api/v1/guilds/{id}", "MANAGE_GUILD", 200, (w) => ({ path: `/api/v1/guilds/${w.guild.id}`, body: { name: "Matrix" } })),
  guild("DELETE /api/v1/guilds/{id}", "owner", 204, async (w, actor) => {
    // A guild of its own per actor where the actor stands as in the main one, so only it is deleted.
    const scratch = expectStatus(await w.api.post<{ id: string }>("/guilds", w.users.owner, { name: "Scratch" }), 201);
    const channel = expectStatus(await w.api.get<Array<{ id: string; type: number }>>(`/guilds/${scratch.id}/channels`, w.users.owner), 200).find((c) => c.type === 0)!;
    const invite = expectStatus(await w.api.post<{ code: string }>(`/channels/${channel.id}/invites`, w.users.owner, {}), 201);
    const user = actor === "anonymous" || actor === "owner" ? undefined : w.users[actor];
    if (user && actor !== "nonMember") expectStatus(await w.api.post(`/invites/${invite.code}`, user), 200);
    if (actor === "banned") expectStatus(await w.api.put(`/guilds/${scratch.id}/bans/${user!.user.id}`, w.users.owner, {}), 204);
    if (actor === "lacking") await w.api.patch(`/guilds/${scratch.id}/roles/${scratch.id}`, w.users.owner, { permissions: "1024" });
    if (actor === "granted") {
      const admin = expectStatus(await w.api.post<{ id: string }>(`/guilds/${scratch.id}/roles`, w.users.owner, { name: "a", permissions: String(Permission.ADMINISTRATOR) }), 201);
      expectStatus(await w.api.put(`/guilds/${scratch.id}/members/${user!.user.id}/roles/${admin.id}`, w.users.owner), 204);
    }
    return { path: `/api/v1/guilds/${scratch.id}` };
  }),
  guild("GET /api/v1/guilds/{id}/channels", "membership", 200, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/channels` })),
  guild("POST /api/v1/guilds/{id}/channels", "MANAGE_CHANNELS", 201, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/channels`, body: { name: "made" } })),
  guild("PATCH /api/v1/guilds/{id}/channels", "MANAGE_CHANNELS", 204, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/channels`, body: [{ id: w.channel.id, position: 0 }] })),
  guild("GET /api/v1/guilds/{id}/members", "membership", 200, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/members?limit=10` })),
  guild("GET /api/v1/guilds/{id}/members/{user_id}", "membership", 200, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/members/${w.users.owner.user.id}` })),
  guild("PATCH /api/v1/guilds/{id}/members/{user_id}", "CHANGE_NICKNAME", 200, (w, _a, as) => ({ path: `/api/v1/guilds/${w.guild.id}/members/${me(as, w).user.id}`, body: { nick: "me" } }), {
    note: "own nick",
  }),
  guild("PATCH /api/v1/guilds/{id}/members/{user_id}", "MANAGE_NICKNAMES", 200, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/members/${w.users.victim.user.id}`, body: { nick: "you" } }), {
    note: "another's nick",
  }),
  guild("PATCH /api/v1/guilds/{id}/members/{user_id}", "MANAGE_ROLES", 200, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/members/${w.users.victim.user.id}`, body: { roles: [w.lowRole.id] } }), {
    note: "roles",
  }),
  guild("DELETE /api/v1/guilds/{id}/members/{user_id}", "KICK_MEMBERS", 204, async (w) => {
    await w.heal();
    return { path: `/api/v1/guilds/${w.guild.id}/members/${w.users.victim.user.id}` };
  }),
  guild("PUT /api/v1/guilds/{id}/members/{user_id}/roles/{role_id}", "MANAGE_ROLES", 204, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/members/${w.users.victim.user.id}/roles/${w.lowRole.id}` })),
  guild("DELETE /api/v1/guilds/{id}/members/{user_id}/roles/{role_id}", "MANAGE_ROLES", 204, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/members/${w.users.victim.user.id}/roles/${w.lowRole.id}` })),
  guild("GET /api/v1/guilds/{id}/roles", "membership", 200, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/roles` })),
  guild("POST /api/v1/guilds/{id}/roles", "MANAGE_ROLES", 201, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/roles`, body: { name: "made" } })),
  guild("PATCH /api/v1/guilds/{id}/roles", "MANAGE_ROLES", 200, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/roles`, body: [{ id: w.lowRole.id, position: 1 }] })),
  guild("PATCH /api/v1/guilds/{id}/roles/{role_id}", "MANAGE_ROLES", 200, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/roles/${w.lowRole.id}`, body: { name: "Low" } })),
  guild("DELETE /api/v1/guilds/{id}/roles/{role_id}", "MANAGE_ROLES", 204, async (w) => ({ path: `/api/v1/guilds/${w.guild.id}/roles/${(await freshRole(w)).id}` })),
  guild("GET /api/v1/guilds/{id}/emojis", "membership", 200, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/emojis` })),
  guild("GET /api/v1/guilds/{id}/emojis/{emoji_id}", "membership", 200, async (w) => ({ path: `/api/v1/guilds/${w.guild.id}/emojis/${(await emojiOf(w)).id}` })),
  guild("POST /api/v1/guilds/{id}/emojis", "MANAGE_GUILD_EXPRESSIONS", 201, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/emojis`, body: { name: "made", image: PNG_DATA() } })),
  guild("POST /api/v1/guilds/{id}/emojis", "CREATE_GUILD_EXPRESSIONS", 201, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/emojis`, body: { name: "made", image: PNG_DATA() } }), {
    note: "either permission uploads",
  }),
  guild("PATCH /api/v1/guilds/{id}/emojis/{emoji_id}", "MANAGE_GUILD_EXPRESSIONS", 200, async (w) => ({ path: `/api/v1/guilds/${w.guild.id}/emojis/${(await emojiOf(w)).id}`, body: { name: "matrix" } })),
  guild("PATCH /api/v1/guilds/{id}/emojis/{emoji_id}", "CREATE_GUILD_EXPRESSIONS", 200, async (w) => ({ path: `/api/v1/guilds/${w.guild.id}/emojis/${(await emojiOf(w)).id}`, body: { name: "matrix" } }), {
    note: "someone else's emoji: CREATE_ covers one's own only",
    expect: { granted: [403, 50013] },
  }),
  guild("DELETE /api/v1/guilds/{id}/emojis/{emoji_id}", "MANAGE_GUILD_EXPRESSIONS", 204, async (w) => ({ path: `/api/v1/guilds/${w.guild.id}/emojis/${(await freshEmoji(w)).id}` })),
  guild("GET /api/v1/guilds/{id}/audit-logs", "VIEW_AUDIT_LOG", 200, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/audit-logs?limit=5` })),
  guild("GET /api/v1/guilds/{id}/bans", "BAN_MEMBERS", 200, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/bans` })),
  guild("PUT /api/v1/guilds/{id}/bans/{user_id}", "BAN_MEMBERS", 204, async (w) => {
    await w.heal();
    return { path: `/api/v1/guilds/${w.guild.id}/bans/${w.users.victim.user.id}`, body: {} };
  }),
  guild("DELETE /api/v1/guilds/{id}/bans/{user_id}", "BAN_MEMBERS", 204, async (w) => {
    await w.heal();
    return { path: `/api/v1/guilds/${w.guild.id}/bans/${w.users.prebanned.user.id}` };
  }),
  guild("POST /api/v1/oauth2/authorize", "MANAGE_GUILD", 200, async (w) => ({
    path: `/api/v1/oauth2/authorize?client_id=${(await applicationOf(w, w.users.owner, true)).id}&scope=bot`,
    body: { guild_id: w.guild.id, permissions: "0", authorize: true },
  })),
  guild("GET /api/v1/guilds/{id}/invites", "MANAGE_GUILD", 200, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/invites` })),
  guild("POST /api/v1/channels/{id}/invites", "CREATE_INSTANT_INVITE", 201, (w) => ({ path: `/api/v1/channels/${w.channel.id}/invites`, body: {} })),
  guild("DELETE /api/v1/invites/{code}", "MANAGE_GUILD", 204, async (w) => {
    const invite = expectStatus(await w.api.post<{ code: string }>(`/channels/${w.channel.id}/invites`, w.users.owner, {}), 201);
    return { path: `/api/v1/invites/${invite.code}` };
  }),
  guild("GET /api/v1/guilds/{id}/voice-states", "membership", 200, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/voice-states` })),
  guild("PATCH /api/v1/guilds/{id}/voice-states/{user_id}", "MUTE_MEMBERS", 200, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/voice-states/${w.users.victim.user.id}`, body: { mute: true } })),

  guild("GET /api/v1/channels/{id}", "membership", 200, (w) => ({ path: `/api/v1/channels/${w.channel.id}` })),
  guild("PATCH /api/v1/channels/{id}", "MANAGE_CHANNELS", 200, (w) => ({ path: `/api/v1/channels/${w.channel.id}`, body: { topic: "matrix" } })),
  guild("DELETE /api/v1/channels/{id}", "MANAGE_CHANNELS", 200, async (w) => {
    const channel = expectStatus(await w.api.post<{ id: string }>(`/guilds/${w.guild.id}/channels`, w.users.owner, { name: "doomed" }), 201);
    return { path: `/api/v1/channels/${channel.id}` };
  }),
  guild("PUT /api/v1/channels/{id}/permissions/{overwrite_id}", "MANAGE_ROLES", 204, (w) => ({
    path: `/api/v1/channels/${w.channel.id}/permissions/${w.lowRole.id}`,
    body: { type: 0, allow: "0", deny: "0" },
  })),
  guild("DELETE /api/v1/channels/{id}/permissions/{overwrite_id}", "MANAGE_ROLES", 204, async (w) => {
    expectStatus(await w.api.put(`/channels/${w.channel.id}/permissions/${w.lowRole.id}`, w.users.owner, { type: 0, allow: "0", deny: "0" }), 204);
    return { path: `/api/v1/channels/${w.channel.id}/permissions/${w.lowRole.id}` };
  }),
  guild("POST /api/v1/channels/{id}/messages", "SEND_MESSAGES", 201, (w) => ({ path: `/api/v1/channels/${w.channel.id}/messages`, body: { content: "hi" } })),
  guild("GET /api/v1/channels/{id}/messages", "READ_MESSAGE_HISTORY", 200, (w) => ({ path: `/api/v1/channels/${w.channel.id}/messages` })),
  guild("GET /api/v1/channels/{id}/messages/{message_id}", "READ_MESSAGE_HISTORY", 200, (w) => ({ path: `/api/v1/channels/${w.channel.id}/messages/${w.message.id}` })),
  {
    op: "PATCH /api/v1/channels/{id}/messages/{message_id}",
    access: { kind: "author" },
    ok: 200,
    call: (w) => ({ path: `/api/v1/channels/${w.channel.id}/messages/${w.message.id}`, body: { content: "edited" } }),
  },
  guild("DELETE /api/v1/channels/{id}/messages/{message_id}", "MANAGE_MESSAGES", 204, async (w) => ({
    path: `/api/v1/channels/${w.channel.id}/messages/${(await fresh(w, "doomed")).id}`,
  }), { note: "another's message (the owner deletes as author)" }),
  guild("POST /api/v1/channels/{id}/messages/bulk-delete", "MANAGE_MESSAGES", 204, async (w) => ({
    path: `/api/v1/channels/${w.channel.id}/messages/bulk-delete`,
    body: { messages: [(await fresh(w, "a")).id, (await fresh(w, "b")).id] },
  })),
  guild(
    "PUT /api/v1/channels/{id}/messages/{message_id}/reactions/{emoji}/@me",
    "ADD_REACTIONS",
    204,
    (w) => ({ path: `/api/v1/channels/${w.channel.id}/messages/${w.message.id}/reactions/${encodeURIComponent("👍")}/@me` }),
    { also: ["READ_MESSAGE_HISTORY"] },
  ),
  guild(
    "PUT /api/v1/channels/{id}/messages/{message_id}/reactions/{emoji}/@me",
    "ADD_REACTIONS",
    204,
    async (w) => {
      const emoji = await emojiOf(w);
      return { path: `/api/v1/channels/${w.channel.id}/messages/${w.message.id}/reactions/${encodeURIComponent(`${emoji.name}:${emoji.id}`)}/@me` };
    },
    { also: ["READ_MESSAGE_HISTORY"], note: "a custom emoji of the guild" },
  ),
  guild("DELETE /api/v1/channels/{id}/messages/{message_id}/reactions/{emoji}/@me", "READ_MESSAGE_HISTORY", 204, (w) => ({
    path: `/api/v1/channels/${w.channel.id}/messages/${w.message.id}/reactions/${encodeURIComponent("👍")}/@me`,
  })),
  guild("GET /api/v1/channels/{id}/messages/{message_id}/reactions/{emoji}", "READ_MESSAGE_HISTORY", 200, (w) => ({
    path: `/api/v1/channels/${w.channel.id}/messages/${w.message.id}/reactions/${encodeURIComponent("👍")}`,
  })),
  guild("GET /api/v1/channels/{id}/pins", "READ_MESSAGE_HISTORY", 200, (w) => ({ path: `/api/v1/channels/${w.channel.id}/pins` })),
  guild("POST /api/v1/channels/{id}/messages/{message_id}/threads", "CREATE_PUBLIC_THREADS", 201, async (w) => ({
    path: `/api/v1/channels/${w.channel.id}/messages/${(await fresh(w, "starter")).id}/threads`,
    body: { name: "from a message" },
  }), { also: ["READ_MESSAGE_HISTORY"] }),
  guild("POST /api/v1/channels/{id}/threads", "CREATE_PUBLIC_THREADS", 201, (w) => ({ path: `/api/v1/channels/${w.channel.id}/threads`, body: { name: "public", type: 11 } })),
  guild("POST /api/v1/channels/{id}/threads", "CREATE_PRIVATE_THREADS", 201, (w) => ({ path: `/api/v1/channels/${w.channel.id}/threads`, body: { name: "private", type: 12 } }), {
    note: "a private thread",
  }),
  guild("POST /api/v1/channels/{id}/messages", "SEND_MESSAGES_IN_THREADS", 201, async (w) => ({ path: `/api/v1/channels/${(await threadOf(w)).id}/messages`, body: { content: "in a thread" } }), {
    note: "in a thread",
  }),
  guild("PATCH /api/v1/channels/{id}", "MANAGE_THREADS", 200, async (w) => ({ path: `/api/v1/channels/${(await freshThread(w)).id}`, body: { locked: true } }), {
    note: "locking a thread",
  }),
  guild("DELETE /api/v1/channels/{id}", "MANAGE_THREADS", 200, async (w) => ({ path: `/api/v1/channels/${(await freshThread(w)).id}` }), { note: "a thread" }),
  guild("POST /api/v1/guilds/{id}/channels", "MANAGE_CHANNELS", 201, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/channels`, body: { name: "forum", type: 15, available_tags: [{ name: "a" }] } }), {
    note: "a forum with tags",
  }),
  guild("PATCH /api/v1/channels/{id}", "MANAGE_CHANNELS", 200, async (w) => ({ path: `/api/v1/channels/${(await freshForum(w)).id}`, body: { available_tags: [{ name: "only" }], flags: 16 } }), {
    note: "a forum's tags and flags",
  }),
  guild("POST /api/v1/channels/{id}/threads", "SEND_MESSAGES", 201, async (w) => ({
    path: `/api/v1/channels/${(await forumOf(w)).id}/threads`,
    body: { name: "post", applied_tags: [tagOf(await forumOf(w), false)], message: { content: "first" } },
  }), { note: "a forum post (not CREATE_PUBLIC_THREADS)" }),
  guild("POST /api/v1/channels/{id}/threads", "MANAGE_THREADS", 201, async (w) => ({
    path: `/api/v1/channels/${(await forumOf(w)).id}/threads`,
    body: { name: "staff post", applied_tags: [tagOf(await forumOf(w), true)], message: { content: "first" } },
  }), { also: ["SEND_MESSAGES"], note: "a forum post with a moderated tag" }),
  guild("PATCH /api/v1/channels/{id}", "MANAGE_THREADS", 200, async (w) => ({ path: `/api/v1/channels/${(await freshPost(w)).id}`, body: { applied_tags: [tagOf(await forumOf(w), false)] } }), {
    note: "another member's forum post's tags",
  }),
  guild("PATCH /api/v1/channels/{id}", "MANAGE_THREADS", 200, async (w) => ({ path: `/api/v1/channels/${(await freshPost(w, await freshForum(w))).id}`, body: { flags: 2 } }), {
    note: "pinning a forum post",
  }),
  guild("PUT /api/v1/channels/{id}/thread-members/@me", "membership", 204, async (w) => ({ path: `/api/v1/channels/${(await threadOf(w)).id}/thread-members/@me` })),
  guild("DELETE /api/v1/channels/{id}/thread-members/@me", "membership", 204, async (w) => ({ path: `/api/v1/channels/${(await threadOf(w)).id}/thread-members/@me` })),
  guild("PUT /api/v1/channels/{id}/thread-members/{user_id}", "SEND_MESSAGES_IN_THREADS", 204, async (w) => ({
    path: `/api/v1/channels/${(await threadOf(w)).id}/thread-members/${w.users.owner.user.id}`,
  })),
  guild("DELETE /api/v1/channels/{id}/thread-members/{user_id}", "MANAGE_THREADS", 204, async (w) => ({
    path: `/api/v1/channels/${(await freshThread(w)).id}/thread-members/${w.users.owner.user.id}`,
  })),
  guild("GET /api/v1/channels/{id}/thread-members/{user_id}", "membership", 200, async (w) => ({
    path: `/api/v1/channels/${(await threadOf(w)).id}/thread-members/${w.users.owner.user.id}`,
  })),
  guild("GET /api/v1/channels/{id}/thread-members", "membership", 200, async (w) => ({ path: `/api/v1/channels/${(await threadOf(w)).id}/thread-members` })),
  guild("GET /api/v1/guilds/{id}/threads/active", "membership", 200, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/threads/active` })),
  guild("GET /api/v1/channels/{id}/threads/archived/public", "READ_MESSAGE_HISTORY", 200, (w) => ({ path: `/api/v1/channels/${w.channel.id}/threads/archived/public` })),
  guild("GET /api/v1/channels/{id}/threads/archived/private", "MANAGE_THREADS", 200, (w) => ({ path: `/api/v1/channels/${w.channel.id}/threads/archived/private` }), {
    also: ["READ_MESSAGE_HISTORY"],
  }),
  guild("GET /api/v1/channels/{id}/users/@me/threads/archived/private", "READ_MESSAGE_HISTORY", 200, (w) => ({
    path: `/api/v1/channels/${w.channel.id}/users/@me/threads/archived/private`,
  })),
  guild("PUT /api/v1/channels/{id}/pins/{message_id}", "MANAGE_MESSAGES", 204, (w) => ({ path: `/api/v1/channels/${w.channel.id}/pins/${w.message.id}` }), {
    also: ["READ_MESSAGE_HISTORY"],
  }),
  guild("DELETE /api/v1/channels/{id}/pins/{message_id}", "MANAGE_MESSAGES", 204, async (w) => {
    expectStatus(await w.api.put(`/channels/${w.channel.id}/pins/${w.message.id}`, w.users.owner), 204);
    return { path: `/api/v1/channels/${w.channel.id}/pins/${w.message.id}` };
  }, { also: ["READ_MESSAGE_HISTORY"] }),
  guild("GET /api/v1/channels/{id}/messages/pins", "READ_MESSAGE_HISTORY", 200, (w) => ({ path: `/api/v1/channels/${w.channel.id}/messages/pins` })),
  guild("PUT /api/v1/channels/{id}/messages/pins/{message_id}", "MANAGE_MESSAGES", 204, (w) => ({ path: `/api/v1/channels/${w.channel.id}/messages/pins/${w.message.id}` }), {
    also: ["READ_MESSAGE_HISTORY"],
  }),
  guild("DELETE /api/v1/channels/{id}/messages/pins/{message_id}", "MANAGE_MESSAGES", 204, async (w) => {
    expectStatus(await w.api.put(`/channels/${w.channel.id}/messages/pins/${w.message.id}`, w.users.owner), 204);
    return { path: `/api/v1/channels/${w.channel.id}/messages/pins/${w.message.id}` };
  }, { also: ["READ_MESSAGE_HISTORY"] }),
  guild("POST /api/v1/channels/{id}/typing", "SEND_MESSAGES", 204, (w) => ({ path: `/api/v1/channels/${w.channel.id}/typing` })),
  guild("POST /api/v1/channels/{id}/messages/{message_id}/ack", "membership", 204, (w) => ({ path: `/api/v1/channels/${w.channel.id}/messages/${w.message.id}/ack` })),
  guild("GET /api/v1/guilds/{id}/messages/search", "membership", 200, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/messages/search?content=matrix` })),
  guild("POST /api/v1/channels/{id}/webhooks", "MANAGE_WEBHOOKS", 201, (w) => ({ path: `/api/v1/channels/${w.channel.id}/webhooks`, body: { name: "made" } })),
  guild("GET /api/v1/channels/{id}/webhooks", "MANAGE_WEBHOOKS", 200, (w) => ({ path: `/api/v1/channels/${w.channel.id}/webhooks` })),
  guild("GET /api/v1/guilds/{id}/webhooks", "MANAGE_WEBHOOKS", 200, (w) => ({ path: `/api/v1/guilds/${w.guild.id}/webhooks` })),
  guild("GET /api/v1/webhooks/{id}", "MANAGE_WEBHOOKS", 200, async (w) => ({ path: `/api/v1/webhooks/${(await webhookOf(w)).id}` })),
  guild("PATCH /api/v1/webhooks/{id}", "MANAGE_WEBHOOKS", 200, async (w) => ({ path: `/api/v1/webhooks/${(await webhookOf(w)).id}`, body: { name: "Matrix" } })),
  guild("DELETE /api/v1/webhooks/{id}", "MANAGE_WEBHOOKS", 204, async (w) => ({ path: `/api/v1/webhooks/${(await freshWebhook(w)).id}` })),
  // The token routes: no login, the token in the path is the credential (an Authorization header changes nothing).
  publicRow("GET /api/v1/webhooks/{id}/{token}", 200, async (w) => {
    const hook = await webhookOf(w);
    return { path: `/api/v1/webhooks/${hook.id}/${hook.token}` };
  }),
  publicRow("PATCH /api/v1/webhooks/{id}/{token}", 200, async (w) => {
    const hook = await webhookOf(w);
    return { path: `/api/v1/webhooks/${hook.id}/${hook.token}`, body: { name: "Matrix" } };
  }),
  publicRow("DELETE /api/v1/webhooks/{id}/{token}", 204, async (w) => {
    const hook = await freshWebhook(w);
    return { path: `/api/v1/webhooks/${hook.id}/${hook.token}` };
  }),
  publicRow("POST /api/v1/webhooks/{id}/{token}", 204, async (w) => {
    const hook = await webhookOf(w);
    return { path: `/api/v1/webhooks/${hook.id}/${hook.token}`, body: { content: "executed" } };
  }),
  publicRow("GET /api/v1/webhooks/{id}/{token}/messages/{message_id}", 200, async (w) => {
    const { hook, message } = await webhookMessage(w);
    return { path: `/api/v1/webhooks/${hook.id}/${hook.token}/messages/${message.id}` };
  }),
  publicRow("PATCH /api/v1/webhooks/{id}/{token}/messages/{message_id}", 200, async (w) => {
    const { hook, message } = await webhookMessage(w);
    return { path: `/api/v1/webhooks/${hook.id}/${hook.token}/messages/${message.id}`, body: { content: "edited by hook" } };
  }),
  publicRow("DELETE /api/v1/webhooks/{id}/{token}/messages/{message_id}", 204, async (w) => {
    const { hook, message } = await webhookMessage(w);
    return { path: `/api/v1/webhooks/${hook.id}/${hook.token}/messages/${message.id}` };
  }),
  guild("POST /api/v1/channels/{id}/attachments", "ATTACH_FILES", 201, (w) => {
    const form = new FormData();
    form.append("file", new File([pngBytes()], "a.png", { type: "image/png" }));
    return { path: `/api/v1/channels/${w.channel.id}/attachments`, form };
  }),
];
