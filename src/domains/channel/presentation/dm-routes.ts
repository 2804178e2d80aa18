import { t } from "elysia";
import { errorResponses, fails } from "../../../shared/presentation/error-schemas";
import { type RouteDeps, routeGroup, security } from "../../../shared/presentation/route-kit";
import type { ChannelUseCases } from "../application/channel-use-cases";
import { ChannelBody, OpenDmBody, toChannelBody } from "./channel-schemas";

const tags = ["Channels"];

/** GET|POST /users/@me/channels: the caller's direct messages. */
export const dmRoutes = (deps: RouteDeps<ChannelUseCases>) => {
  const { useCases } = deps;
  return routeGroup(deps, { tags, security })
    .get("/users/@me/channels", async ({ caller }) => (await useCases.listDms(caller.userId)).map(toChannelBody), {
      auth: true,
      response: { 200: t.Array(ChannelBody), ...errorResponses({ auth: true }) },
      detail: { summary: "The caller's DM channels, newest first", tags, security },
    })
    .post("/users/@me/channels", async ({ caller, body }) => toChannelBody(await useCases.openDm(caller.userId, body.recipient_id)), {
      auth: true,
      body: OpenDmBody,
      response: { 200: ChannelBody, ...errorResponses({ auth: true }, fails("VALIDATION", "the recipient is the caller"), fails("UNKNOWN_USER", "no such recipient")) },
      detail: { summary: "Open (or get) the DM with a user: the same pair always gets the same channel", tags, security },
    });
};
