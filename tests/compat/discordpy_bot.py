"""An unmodified discord.py 2 bot (Debian's python3-discord), configured only with XCord's URLs and a bot token.

Run by discord-libraries.test.ts with /usr/bin/python3. Overriding the REST base and the gateway URL is the whole
configuration (README, "Use an existing Discord bot"). discord.py asks for zlib-stream transport compression on
every connection. The bot reports what it saw as JSON lines on stdout; the test checks the same facts through XCord.

Env: XCORD_URL (http://host:port), BOT_TOKEN.
"""
import asyncio
import io
import json
import os
import socket
import sys
import traceback

import discord
import discord.gateway
import discord.http
import yarl

DISCORD_HOSTS = ("discord.com", "discord.gg", "discordapp.com", "discordapp.net", "discord.media")
_getaddrinfo = socket.getaddrinfo


def _guarded_getaddrinfo(host, *args, **kwargs):
    """Refuse, and report, any lookup of Discord's own hosts: the test allows XCord only."""
    name = host.decode() if isinstance(host, bytes) else str(host)
    if any(name == h or name.endswith("." + h) for h in DISCORD_HOSTS):
        emit({"ev": "discord-host", "host": name, "via": "getaddrinfo"})
        raise OSError(f"refused: lookup of Discord's host {name}")
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _guarded_getaddrinfo


def emit(event):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


base = os.environ["XCORD_URL"]
discord.http.Route.BASE = f"{base}/api/v10"
discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"{base.replace('http', 'ws', 1)}/gateway")

intents = discord.Intents.default()
intents.message_content = True
intents.members = True
intents.presences = True
client = discord.Client(intents=intents)
state = {"resumed": False}


@client.event
async def on_ready():
    emit({
        "ev": "ready",
        "user": str(client.user.id),
        "bot": client.user.bot,
        "application": str(client.application_id),
        "guilds": [str(g.id) for g in client.guilds],
        "channels": [str(c.id) for g in client.guilds for c in g.channels],
    })


@client.event
async def on_resumed():
    emit({"ev": "resumed"})


async def scenario(message):
    reply = await message.reply("pong")
    edited = await reply.edit(content="pong (edited)")
    await reply.add_reaction("\N{THUMBS UP SIGN}")
    await message.pin()
    embed = discord.Embed(title="Status", description="All systems go", colour=0x5865F2)
    embed.add_field(name="uptime", value="1 s")
    embedded = await message.channel.send(embed=embed)
    filed = await message.channel.send("a file", file=discord.File(io.BytesIO(b"hello from discord.py\n"), filename="hello.txt"))
    members = await message.guild.chunk() if not message.guild.chunked else message.guild.members
    await client.change_presence(status=discord.Status.dnd, activity=discord.Game(name="with XCord"))
    emit({
        "ev": "scenario",
        "pingCreatedAt": int(message.created_at.timestamp() * 1000),
        "pingAuthor": str(message.author.id),
        "pingContent": message.content,
        "member": str(message.author.id) if isinstance(message.author, discord.Member) else None,
        "reply": str(reply.id),
        "replyReference": str(reply.reference.message_id) if reply.reference else None,
        "edited": edited.content,
        "editedTimestamp": int(edited.edited_at.timestamp() * 1000) if edited.edited_at else None,
        "embed": str(embedded.id),
        "embedTitle": embedded.embeds[0].title if embedded.embeds else None,
        "file": str(filed.id),
        "attachment": filed.attachments[0].filename if filed.attachments else None,
        "members": [str(m.id) for m in members],
    })


@client.event
async def on_message(message):
    if message.author.id == client.user.id:
        return
    try:
        if message.content == "ping":
            await scenario(message)
        elif message.content == "drop":
            # The socket drops (as a network failure would); the library resumes the session and must miss nothing.
            emit({"ev": "dropping"})
            await client.ws.socket.close(code=4200)
        elif message.content == "while away":
            emit({"ev": "while-away", "id": str(message.id)})
        elif message.content == "after resume":
            emit({"ev": "after-resume", "id": str(message.id)})
            await client.close()
    except Exception as error:  # report, then stop: the test names the step that failed
        emit({"ev": "error", "step": "scenario", "message": repr(error), "trace": traceback.format_exc()})
        await client.close()
        sys.exit(1)


client.run(os.environ["BOT_TOKEN"], log_handler=None)
