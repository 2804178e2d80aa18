"use strict";
/**
 * Loaded before discord.js (`node --require`): refuses, and reports on stdout, any connection or DNS lookup of
 * Discord's own hosts, so the compatibility test proves the library talked to XCord only.
 */
const dns = require("node:dns");
const net = require("node:net");
const tls = require("node:tls");

const DISCORD_HOST = /(^|\.)(discord|discordapp)\.(com|gg|net|media)\.?$/i;

const refuse = (host, via) => {
  process.stdout.write(`${JSON.stringify({ ev: "discord-host", host, via })}\n`);
  throw new Error(`refused: ${via} to Discord's host ${host} (the test allows XCord only)`);
};

const check = (host, via) => {
  if (typeof host === "string" && DISCORD_HOST.test(host)) refuse(host, via);
};

const lookup = dns.lookup;
dns.lookup = function guardedLookup(host, ...rest) {
  check(host, "dns.lookup");
  return lookup.call(this, host, ...rest);
};
const promiseLookup = dns.promises.lookup;
dns.promises.lookup = function guardedPromiseLookup(host, ...rest) {
  check(host, "dns.promises.lookup");
  return promiseLookup.call(this, host, ...rest);
};

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const first = args[0];
  const options = Array.isArray(first) ? first[0] : first;
  if (options && typeof options === "object") check(options.host ?? options.servername, "net.connect");
  else if (typeof args[1] === "string") check(args[1], "net.connect");
  return connect.apply(this, args);
};

const tlsConnect = tls.connect;
tls.connect = function guardedTlsConnect(...args) {
  const options = args.find((arg) => arg && typeof arg === "object") ?? {};
  check(options.host ?? options.servername, "tls.connect");
  if (typeof args[1] === "string") check(args[1], "tls.connect");
  return tlsConnect.apply(this, args);
};
