import { t } from "elysia";
import { fails } from "../../../shared/presentation/error-schemas";
import { type RouteDeps, routesTagged } from "../../../shared/presentation/route-kit";
import type { ChannelUseCases } from "../application/channel-use-cases";
import { ChannelBody, OpenDmBody, toChannelBody } from "./channel-schemas";

const { group, route } = routesTagged(["Channels"]);

/** GET|POST /users/@me/channels: the caller's direct messages. */
export const dmRoutes = ({ useCases, ...deps }: RouteDeps<ChannelUseCases>) => {
  return group(deps)
    .get(
      "/users/@me/channels",
      async ({ caller }) => (await useCases.listDms(caller.userId)).map(toChannelBody),
      route({ summary: "The caller's DM channels, newest first", schemas: {}, ok: { 200: t.Array(ChannelBody) } }),
    )
    .post("/users/@me/channels", async ({ caller, body }) => toChannelBody(await useCases.openDm(caller.userId, body.recipient_id)), route({ summary: "Open (or get) the DM with a user: the same pair always gets the same channel", schemas: { body: OpenDmBody }, ok: { 200: ChannelBody }, failures: [fails("VALIDATION", "the recipient is the caller"), fails("UNKNOWN_USER", "no such recipient")] }));
};
