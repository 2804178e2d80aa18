"use strict";
/**
 * An unmodified discord.js 14 bot, configured only with XCord's URLs and a bot token (run by
 * discord-libraries.test.ts under Node, with no-discord-hosts.cjs preloaded). It reports what it saw as JSON lines on
 * stdout; the test checks the same facts from a user's side through XCord's REST API and gateway.
 *
 * Env: XCORD_API (http://host:port/api), BOT_TOKEN.
 */
const { ActivityType, AttachmentBuilder, Client, EmbedBuilder, Events, GatewayIntentBits } = require("discord.js");
const { WebSocketShardDestroyRecovery } = require("@discordjs/ws");

const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const fail = (step, error) => {
  emit({ ev: "error", step, message: String(error?.stack ?? error) });
  process.exit(1);
};

const api = process.env.XCORD_API;
const client = new Client({
  intents: [
    GatewayIntentBits.Guilds,
    GatewayIntentBits.GuildMembers,
    GatewayIntentBits.GuildMessages,
    GatewayIntentBits.GuildMessageReactions,
    GatewayIntentBits.GuildPresences,
    GatewayIntentBits.MessageContent,
  ],
  rest: { api, cdn: new URL("/cdn", api).href },
});

client.once(Events.ClientReady, () => {
  emit({
    ev: "ready",
    user: client.user.id,
    bot: client.user.bot,
    application: client.application?.id ?? null,
    guilds: [...client.guilds.cache.keys()],
    channels: [...client.channels.cache.keys()],
  });
});

client.on(Events.ShardResume, () => emit({ ev: "resumed" }));

/** Everything a bot does after a user's message, each step through the library's own API. */
const scenario = async (message) => {
  const reply = await message.reply("pong");
  const edited = await reply.edit("pong (edited)");
  await reply.react("👍");
  await message.pin();
  const embed = await message.channel.send({
    embeds: [new EmbedBuilder().setTitle("Status").setDescription("All systems go").addFields({ name: "uptime", value: "1 s" }).setColor(0x5865f2)],
  });
  const file = await message.channel.send({
    content: "a file",
    files: [new AttachmentBuilder(Buffer.from("hello from discord.js\n"), { name: "hello.txt" })],
  });
  const members = await message.guild.members.fetch();
  client.user.setPresence({ activities: [{ name: "with XCord", type: ActivityType.Playing }], status: "dnd" });
  emit({
    ev: "scenario",
    pingCreatedAt: message.createdTimestamp,
    pingAuthor: message.author.id,
    pingContent: message.content,
    member: message.member?.id ?? null,
    reply: reply.id,
    replyReference: reply.reference?.messageId ?? null,
    edited: edited.content,
    editedTimestamp: edited.editedTimestamp,
    embed: embed.id,
    embedTitle: embed.embeds[0]?.title ?? null,
    file: file.id,
    attachment: file.attachments.first()?.name ?? null,
    members: [...members.keys()],
  });
};

/** The socket drops (as a network failure would); the library resumes the session and must miss nothing. */
const drop = () => client.ws._ws.strategy.shards.get(0).destroy({ code: 4200, reason: "test: drop", recover: WebSocketShardDestroyRecovery.Resume });

client.on(Events.MessageCreate, (message) => {
  if (message.author.id === client.user.id) return;
  if (message.content === "ping") scenario(message).catch((error) => fail("scenario", error));
  if (message.content === "drop") {
    emit({ ev: "dropping" });
    drop().catch((error) => fail("drop", error));
  }
  if (message.content === "while away") emit({ ev: "while-away", id: message.id });
  if (message.content === "after resume") {
    emit({ ev: "after-resume", id: message.id });
    client.destroy().then(() => process.exit(0), (error) => fail("destroy", error));
  }
});

client.login(process.env.BOT_TOKEN).catch((error) => fail("login", error));
