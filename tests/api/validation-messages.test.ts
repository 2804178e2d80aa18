import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { fieldErrorCodes, fieldErrors } from "../support/errors";
import { type TestServer, modeNamed, startServer } from "../support/server";

interface ErrorBody {
  code: number;
  message: string;
}

/** A 400 50035's field reasons (Discord's nested `errors`, flattened to path → message), failing the test on any other answer. */
const reasons = async (response: Response): Promise<Record<string, string>> => {
  const body = (await response.json()) as ErrorBody;
  expect({ status: response.status, code: body.code }).toEqual({ status: 400, code: 50035 });
  return fieldErrors(body);
};

describe("validation messages name the field and the documented rule", () => {
  let server: TestServer;
  let token: string;
  let channelId: string;

  const patchChannel = (json: unknown) => server.request(`/api/v1/channels/${channelId}`, { method: "PATCH", json, token });
  const send = (json: unknown) => server.request(`/api/v1/channels/${channelId}/messages`, { method: "POST", json, token });
  const history = (query: string) => server.request(`/api/v1/channels/${channelId}/messages?${query}`, { token });

  beforeAll(async () => {
    server = await startServer(modeNamed("embedded"));
    const registered = await server.request("/api/v1/auth/register", {
      method: "POST",
      json: { username: "validator", email: "validator@example.com", password: "correct horse battery" },
    });
    token = ((await registered.json()) as { access_token: string }).access_token;
    const guild = await server.request("/api/v1/guilds", { method: "POST", json: { name: "Rules" }, token });
    channelId = ((await guild.json()) as { channels: Array<{ id: string; type: number }> }).channels.find((channel) => channel.type === 0)!.id;
  });
  afterAll(() => server.stop());

  test("a 10,000-character username: the documented 2–32, not a generous cap", async () => {
    const response = await server.request("/api/v1/auth/register", {
      method: "POST",
      json: { username: "x".repeat(10_000), email: "long@example.com", password: "correct horse battery" },
    });
    expect(await reasons(response)).toEqual({ username: "Must be between 2 and 32 in length." });
  });

  test("every bad field of a registration at once, each with its rule", async () => {
    const response = await server.request("/api/v1/auth/register", { method: "POST", json: { username: "A!", email: "x", password: "p" } });
    expect(await reasons(response)).toEqual({
      username: "Username can only use letters, numbers, underscores and periods.",
      email: "Not a well formed email address.",
      password: "Must be between 8 and 128 in length.",
    });
  });

  test("missing and unknown fields", async () => {
    expect(await reasons(await server.request("/api/v1/auth/register", { method: "POST", json: { username: "bob", admin: true } }))).toEqual({
      email: "This field is required",
      password: "This field is required",
      admin: "Unknown field.",
    });
  });

  test("a 5,000-character topic: its length bound, not the nullable union; a text channel's own bound after it", async () => {
    // The schema bounds every topic by a forum's (4096); a text channel's (1024) is the channel rule's.
    expect(await reasons(await patchChannel({ topic: "x".repeat(5000) }))).toEqual({ topic: "Must be 4096 or fewer in length." });
    expect(await reasons(await patchChannel({ topic: "x".repeat(2000) }))).toEqual({ topic: "Must be at most 1024 characters long." });
    expect(await reasons(await patchChannel({ topic: 5 }))).toEqual({ topic: "Must be a string or null." });
  });

  test("query integers: ?limit=abc and ?limit=0 both name limit and its range", async () => {
    for (const query of ["limit=abc", "limit=0", "limit=101", "limit=1.5"]) {
      expect({ query, errors: await reasons(await history(query)) }).toEqual({ query, errors: { limit: "Must be an integer between 1 and 100." } });
    }
    expect((await history("limit=100")).status).toBe(200);
  });

  test("nested fields are named by their path, integers in bodies by their range", async () => {
    const errors = await reasons(await patchChannel({ name: "", user_limit: 100, permission_overwrites: [{ id: "1", type: 7, allow: 5 }] }));
    expect(errors).toEqual({
      name: "Must be between 1 and 100 in length.",
      user_limit: "Must be an integer between 0 and 99.",
      "permission_overwrites.0.type": "Must be an integer between 0 and 1.",
      "permission_overwrites.0.allow": "Must be a permission bitfield (a decimal string of up to 20 digits).",
    });
  });

  test("message content counts code points: 4000 emojis pass, 10,000 characters name the 4000 bound", async () => {
    expect((await send({ content: "\u{1F600}".repeat(4000) })).status).toBe(201);
    expect(await reasons(await send({ content: "x".repeat(10_000) }))).toEqual({ content: "Must be 4000 or fewer in length." });
    expect(await reasons(await send({ content: 5 }))).toEqual({ content: "Must be a string or null." });
  });

  test("the nonce is at most 25 characters, as documented", async () => {
    expect((await send({ content: "n", nonce: "x".repeat(25) })).status).toBe(201);
    expect(await reasons(await send({ content: "n", nonce: "x".repeat(26) }))).toEqual({ nonce: "Must be between 1 and 25 in length." });
    expect(await reasons(await send({ content: "n", nonce: { a: 1 } }))).toEqual({ nonce: "Must be a string or an integer." });
  });

  test("errors are Discord's nested shape, each reason with Discord's code", async () => {
    const response = await patchChannel({ name: "", user_limit: 100, permission_overwrites: [{ id: "1", type: 7, allow: 5 }] });
    const body = (await response.json()) as { errors: { permission_overwrites: Record<string, { type: { _errors: unknown } }> } };
    expect(body.errors.permission_overwrites["0"]?.type._errors).toEqual([{ code: "NUMBER_TYPE_MAX", message: "Must be an integer between 0 and 1." }]);
    expect(fieldErrorCodes(body)).toMatchObject({ name: "BASE_TYPE_BAD_LENGTH", user_limit: "NUMBER_TYPE_MAX" });
    expect(fieldErrorCodes(await (await send({ content: 5 })).json())).toEqual({ content: "STRING_TYPE_CONVERT" });
    expect(fieldErrorCodes(await (await send({ content: "x", bogus: 1 })).json())).toEqual({ bogus: "UNKNOWN_FIELD" });
  });

  test("ids in the path are snowflakes", async () => {
    const response = await server.request("/api/v1/channels/not-an-id", { token });
    expect(await reasons(response)).toEqual({ id: "Must be a snowflake (a decimal string of up to 20 digits)." });
  });

  test("the domain still takes what the schema lets through: upper case is lower-cased", async () => {
    const response = await server.request("/api/v1/auth/register", {
      method: "POST",
      json: { username: "Upper.Case_1", email: "upper@example.com", password: "correct horse battery" },
    });
    expect(response.status).toBe(201);
    expect(((await response.json()) as { user: { username: string } }).user.username).toBe("upper.case_1");
  });
});
