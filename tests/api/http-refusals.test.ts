import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect } from "node:net";
import { createGuild, generalOf, apiClient } from "../support/guild";
import { type TestUser, registerUser } from "../support/identity";
import { MODES, type TestServer, startServer, waitFor } from "../support/server";

interface ErrorBody {
  code: number;
  message: string;
}

const MiB = 1024 * 1024;

/** Sends raw request head bytes and resolves with the whole response text once the server closes or answers. */
const rawRequest = (url: string, head: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname, () => socket.write(head));
    let text = "";
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
      // The head and a JSON body are all we wait for: the server must answer without the body ever being sent.
      if (/\r\n\r\n[\s\S]*\}$/.test(text)) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(text));
  });

/** A body of `size` bytes streamed in 64 KiB chunks without a Content-Length (chunked transfer encoding). */
const chunkedBody = (size: number) => {
  let sent = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close();
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
};

for (const mode of MODES) {
  describe(`refused requests get the contract's JSON error (${mode.name})`, () => {
    let server: TestServer;
    let alice: TestUser;
    let channelId: string;
    beforeAll(async () => {
      server = await startServer(mode, { RATE_LIMIT_SCALE: "1000" });
      alice = await registerUser(server);
      channelId = generalOf(await createGuild(apiClient(server), alice)).id;
    });
    afterAll(() => server.stop());

    const expectTooLarge = async (response: Response) => {
      expect(response.status).toBe(413);
      expect(response.headers.get("content-type")).toContain("application/json");
      expect(response.headers.get("x-request-id")).toMatch(/.+/);
      const body = (await response.json()) as ErrorBody;
      expect(body.code).toBe(40005);
      expect(body.message).toContain("limit");
      return response.headers.get("x-request-id")!;
    };

    test.each([
      ["/api/v1/auth/login", 26],
      ["/api/v1/auth/login", 30],
    ])("a %s body of %i MiB: 413 40005 with a request id and a log line", async (path, size) => {
      const response = await server.request(path, { method: "POST", headers: { "content-type": "application/json" }, body: new Uint8Array(size * MiB) });
      const requestId = await expectTooLarge(response);
      const line = await waitFor(() => server.logs.find((entry) => entry.includes(requestId) && entry.includes('"status":413')), { what: "the 413's log line" });
      expect(line).toContain('"msg":"request"');
    });

    test("a 30 MiB message body: 413 40005, and no message was created", async () => {
      const response = await server.request(`/api/v1/channels/${channelId}/messages`, {
        method: "POST",
        token: alice.access_token,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ content: "x".repeat(30 * MiB) }),
      });
      await expectTooLarge(response);
      const history = await server.request(`/api/v1/channels/${channelId}/messages`, { token: alice.access_token });
      expect(await history.json()).toEqual([]);
    });

    test("a declared 30 MiB body is refused before a byte of it is sent", async () => {
      const { host } = new URL(server.url);
      const reply = await rawRequest(
        server.url,
        `POST /api/v1/auth/login HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${30 * MiB}\r\nX-Request-Id: refused-unread\r\n\r\n`,
      );
      expect(reply).toStartWith("HTTP/1.1 413");
      expect(reply.toLowerCase()).toContain("x-request-id: refused-unread");
      expect(reply).toContain('"code":40005');
    });

    test("a chunked JSON body past 1 MiB is cut off at the limit: 413 40005", async () => {
      const response = await fetch(`${server.url}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: chunkedBody(3 * MiB),
        duplex: "half",
      } as RequestInit);
      await expectTooLarge(response);
    });

    test("a chunked upload past MAX_UPLOAD_BYTES: 413 40005", async () => {
      const small = await startServer(mode, { MAX_UPLOAD_BYTES: String(MiB) });
      try {
        const owner = await registerUser(small);
        const channel = generalOf(await createGuild(apiClient(small), owner)).id;
        const response = await fetch(`${small.url}/api/v1/channels/${channel}/attachments`, {
          method: "POST",
          headers: { "content-type": "multipart/form-data; boundary=xcord", authorization: `Bearer ${owner.access_token}` },
          body: chunkedBody(4 * MiB),
          duplex: "half",
        } as RequestInit);
        await expectTooLarge(response);
      } finally {
        await small.stop();
      }
    });

    test.each([
      ["a form body", "application/x-www-form-urlencoded", "login=a&password=b", "application/x-www-form-urlencoded"],
      ["a text body", "text/plain", '{"login":"a","password":"b"}', "text/plain"],
      ["a multipart body", "multipart/form-data; boundary=xcord", '--xcord\r\nContent-Disposition: form-data; name="login"\r\n\r\na\r\n--xcord--\r\n', "multipart/form-data"],
    ])("%s on a JSON route: 400 50109 naming application/json, and nothing is processed", async (_what, type, body, named) => {
      const response = await server.request("/api/v1/auth/login", { method: "POST", headers: { "content-type": type }, body });
      expect(response.status).toBe(400);
      const error = (await response.json()) as ErrorBody;
      expect(error.code).toBe(50109);
      expect(error.message).toContain("Content-Type: application/json");
      expect(error.message).toContain(named);
    });

    test("a JSON body on the upload route: 400 naming multipart/form-data", async () => {
      const response = await server.request(`/api/v1/channels/${channelId}/attachments`, {
        method: "POST",
        token: alice.access_token,
        headers: { "content-type": "text/plain" },
        body: "hello",
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).message).toContain("Content-Type: multipart/form-data");
    });

    test("a method a path does not have: 405 with Allow; an unknown path: 404", async () => {
      const put = await server.request("/api/v1/auth/login", { method: "PUT", json: {} });
      expect(put.status).toBe(405);
      expect(put.headers.get("allow")).toBe("POST");
      expect(put.headers.get("x-request-id")).toMatch(/.+/);
      expect(((await put.json()) as ErrorBody).code).toBe(0);

      const patch = await server.request(`/api/v1/channels/${channelId}/messages`, { method: "PATCH", token: alice.access_token, json: {} });
      expect(patch.status).toBe(405);
      expect(patch.headers.get("allow")).toBe("GET, HEAD, POST");

      const unknown = await server.request("/api/v1/no-such-route", { method: "PUT", json: {} });
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get("allow")).toBeNull();
    });
  });
}
