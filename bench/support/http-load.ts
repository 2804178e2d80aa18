/**
 * One HTTP load process: `--concurrency` loops, each sending requests back to back for `--seconds`, round-robin
 * over the channels and tokens given. `read` is GET /channels/{id}/messages?limit=50; `send` is POST of a message
 * tagged `#<n> sent_at=<ms>`, so receivers can time its delivery. Prints one JSON line at the end: successes,
 * errors and every latency in ms.
 *
 *   bun bench/support/http-load.ts --mode read --base http://127.0.0.1:3000 --channels 1,2 --tokens FILE --seconds 10
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    mode: { type: "string", default: "read" },
    base: { type: "string" },
    channels: { type: "string" },
    tokens: { type: "string" },
    concurrency: { type: "string", default: "16" },
    seconds: { type: "string", default: "10" },
  },
});
const channels = values.channels!.split(",");
const tokens = readFileSync(values.tokens!, "utf8").split("\n").filter(Boolean);
const deadline = performance.now() + Number(values.seconds) * 1000;
const latencies: number[] = [];
let errors = 0;
let issued = 0;

/** One request; true on the expected status. */
const request = async (i: number): Promise<boolean> => {
  const url = `${values.base}/api/v1/channels/${channels[i % channels.length]}/messages`;
  const headers = { authorization: `Bearer ${tokens[i % tokens.length]}`, "content-type": "application/json" };
  const response =
    values.mode === "send"
      ? await fetch(url, { method: "POST", headers, body: JSON.stringify({ content: `#${process.pid}-${i} sent_at=${performance.timeOrigin + performance.now()}` }) })
      : await fetch(`${url}?limit=50`, { headers });
  await response.arrayBuffer();
  return response.status === (values.mode === "send" ? 201 : 200);
};

const loop = async () => {
  while (performance.now() < deadline) {
    const begin = performance.now();
    if (await request(issued++).catch(() => false)) latencies.push(Math.round((performance.now() - begin) * 100) / 100);
    else errors++;
  }
};
await Promise.all(Array.from({ length: Number(values.concurrency) }, loop));
process.stdout.write(`${JSON.stringify({ ok: latencies.length, errors, latencies })}\n`);
