import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { VoiceClose } from "../../src/domains/voice/application/voice-rooms";
import { MAX_BUFFERED_BYTES } from "../../src/shared/gateway/gateway-session";
import { CloseCode, FRAME_LIMIT, HEARTBEAT_INTERVAL_MS, MAX_FRAME_BYTES, Op, RESUME_BUFFER_LENGTH } from "../../src/shared/gateway/gateway-protocol";
import { ALL_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS, Permission } from "../../src/shared/kernel/permissions";
import { DISCORD_EPOCH, LEGACY_EPOCH } from "../../src/shared/kernel/snowflake";
import { buildAsyncApiDocument } from "../../src/shared/presentation/asyncapi";
import { DEFAULT_JSON_LIMIT } from "../../src/shared/presentation/body-parser";
import { ERROR_TABLE, INTERNAL_ERROR, MALFORMED_JSON } from "../../src/shared/presentation/error-table";
import { MAX_JSON_DEPTH } from "../../src/shared/presentation/input-guards";
import { GLOBAL_USER_LIMIT } from "../../src/shared/presentation/rate-limit";

/**
 * The prose reference in docs/ must name every opcode, close code, dispatch, voice method and event, error code,
 * rate limit and permission the code has, with the code's numbers: a new one fails here until it is documented.
 * (tests/api/asyncapi.test.ts holds the AsyncAPI document to the code the same way.)
 */
const ROOT = resolve(import.meta.dir, "../..");
const doc = (name: string) => readFileSync(resolve(ROOT, "docs", name), "utf8");
const gateway = doc("gateway.md");
const voice = doc("voice.md");
const rest = doc("rest.md");

/** `HeartbeatAck` → `HEARTBEAT_ACK`, as the docs name opcodes and close codes. */
const upperSnake = (name: string) => name.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
/** A markdown table row starting with these cells. */
const row = (...cells: Array<string | number>) => `| ${cells.join(" | ")} |`;
const missing = (text: string, needles: readonly string[]) => needles.filter((needle) => !text.includes(needle));

const asyncApi = buildAsyncApiDocument({ version: "test", publicUrl: undefined }) as Record<string, any>;
const messageTitles = (prefix: string) =>
  Object.entries(asyncApi.components.messages as Record<string, { title: string }>)
    .filter(([name]) => name.startsWith(prefix))
    .map(([, message]) => message.title);

describe("docs/gateway.md documents the gateway as built", () => {
  test("every opcode, with its number and name", () => {
    expect(missing(gateway, Object.entries(Op).map(([name, op]) => row(op, upperSnake(name))))).toEqual([]);
  });

  test("every close code, with its number and name", () => {
    expect(missing(gateway, Object.entries(CloseCode).map(([name, code]) => row(code, upperSnake(name))))).toEqual([]);
  });

  test("every dispatch event", () => {
    const dispatches = messageTitles("gateway.dispatch.");
    expect(dispatches.length).toBeGreaterThan(30);
    expect(missing(gateway, dispatches.map((t) => `\`${t}\``))).toEqual([]);
  });

  test("the protocol's numbers", () => {
    expect(
      missing(gateway, [
        `${MAX_FRAME_BYTES}`,
        `${FRAME_LIMIT.limit} per ${FRAME_LIMIT.periodMs / 1000} s`,
        `${RESUME_BUFFER_LENGTH.toLocaleString("en-US")} dispatches`,
        `"heartbeat_interval": ${HEARTBEAT_INTERVAL_MS}`,
        `${MAX_BUFFERED_BYTES / 1024 / 1024} MiB`,
      ]),
    ).toEqual([]);
  });
});

describe("docs/voice.md documents the voice signaling socket as built", () => {
  test("every method and notification", () => {
    const methods = messageTitles("voice.").filter((title) => !title.includes(" "));
    expect(methods).toContain("create_transport");
    expect(missing(voice, methods.map((name) => `| \`${name}\` |`))).toEqual([]);
  });

  test("every close code", () => {
    expect(missing(voice, [...Object.values(VoiceClose), 4000].map((code) => `| ${code} |`))).toEqual([]);
  });
});

describe("docs/rest.md documents the REST conventions as built", () => {
  test("every error of the error table, with its status and code", () => {
    const errors = [...Object.values(ERROR_TABLE), MALFORMED_JSON, INTERNAL_ERROR];
    expect(missing(rest, errors.map(({ status, code }) => row(status, code)))).toEqual([]);
  });

  test("every rate limit, with its bucket and numbers", () => {
    const rules = [...new Bun.Glob("src/domains/*/presentation/*.ts").scanSync(ROOT)].flatMap((file) =>
      [...readFileSync(resolve(ROOT, file), "utf8").matchAll(/bucket: "([a-z.]+)", limit: (\d+), periodMs: ([\d_]+)/g)].map((match) => ({
        bucket: match[1]!,
        limit: Number(match[2]),
        periodMs: Number(match[3]!.replaceAll("_", "")),
      })),
    );
    expect(rules.length).toBeGreaterThan(8);
    const period = (ms: number) => (ms === 1000 ? "second" : ms === 60_000 ? "minute" : `${ms / 1000} seconds`);
    const lines = rest.split("\n");
    const undocumented = [...rules, GLOBAL_USER_LIMIT]
      .filter(({ bucket, limit, periodMs }) => !lines.some((line) => line.startsWith(`| \`${bucket}\` |`) && line.includes(`| ${limit} per ${period(periodMs)} |`)))
      .map(({ bucket }) => bucket);
    expect(undocumented).toEqual([]);
  });

  test("every permission with its bit value, the snowflake epoch and the size limits", () => {
    const permissions = Object.entries(Permission).map(([name, bit]) => row(name, `1 << ${bit.toString(2).length - 1}`, bit.toString()));
    expect(missing(rest, permissions)).toEqual([]);
    // The totals a client copies: every bit together, and a new guild's @everyone.
    expect(missing(rest, [`\`${ALL_PERMISSIONS}\``, `\`${DEFAULT_EVERYONE_PERMISSIONS}\``])).toEqual([]);
    expect(missing(rest, [new Date(DISCORD_EPOCH).toISOString(), `${DISCORD_EPOCH}`, new Date(LEGACY_EPOCH).toISOString(), `${LEGACY_EPOCH}`, DEFAULT_JSON_LIMIT.toLocaleString("en-US"), `${MAX_JSON_DEPTH} levels`])).toEqual([]);
  });
});
