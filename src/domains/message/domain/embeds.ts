import { DomainError, ErrorCode, type FieldErrors } from "../../../shared/kernel/domain-error";
import { codePointLength } from "../../../shared/kernel/text";

/*
 * Discord's rich embeds, in Discord's wire names: they are stored as checked and answered as stored. The limits are
 * Discord's (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
 */
export const EMBEDS_MAX = 10;
export const EmbedLimits = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  /** Title, description, field names and values, footer text and author name of all a message's embeds together. */
  total: 6000,
  url: 2048,
  color: 0xffffff,
} as const;

export interface EmbedFooter {
  readonly text: string;
  readonly icon_url?: string;
}
export interface EmbedMedia {
  readonly url: string;
}
export interface EmbedAuthor {
  readonly name: string;
  readonly url?: string;
  readonly icon_url?: string;
}
export interface EmbedField {
  readonly name: string;
  readonly value: string;
  readonly inline?: boolean;
}

/** An embed as stored and answered: always `type: "rich"`, only the parts that were sent. */
export interface Embed {
  readonly type: "rich";
  readonly title?: string;
  readonly description?: string;
  readonly url?: string;
  /** ISO 8601, normalized to UTC. */
  readonly timestamp?: string;
  readonly color?: number;
  readonly footer?: EmbedFooter;
  readonly image?: EmbedMedia;
  readonly thumbnail?: EmbedMedia;
  readonly author?: EmbedAuthor;
  readonly fields?: EmbedField[];
}

/** An embed as a client sends it: Discord's object, of which the parts XCord does not keep are dropped. */
export interface EmbedInput {
  readonly type?: string;
  readonly title?: string;
  readonly description?: string;
  readonly url?: string;
  readonly timestamp?: string;
  readonly color?: number | null;
  readonly footer?: { readonly text: string; readonly icon_url?: string };
  readonly image?: { readonly url: string };
  readonly thumbnail?: { readonly url: string };
  readonly author?: { readonly name: string; readonly url?: string; readonly icon_url?: string };
  readonly fields?: readonly { readonly name: string; readonly value: string; readonly inline?: boolean }[];
}

/** http(s) links, or `attachment://name` naming a file of the same request (kept as given), as Discord allows. */
const isEmbedUrl = (raw: string, allowAttachment: boolean): boolean => {
  if (raw.length > EmbedLimits.url) return false;
  if (allowAttachment && /^attachment:\/\/[^/\\]+$/.test(raw)) return true;
  if (!URL.canParse(raw)) return false;
  const { protocol } = new URL(raw);
  return protocol === "http:" || protocol === "https:";
};

/**
 * Checks embeds against Discord's limits and returns them as stored. Every broken rule is reported under its
 * field's path (`embeds.0.fields.3.value`), all in one 400; the 6000-character total under `embeds`.
 */
export const checkEmbeds = (embeds: readonly EmbedInput[], field = "embeds"): Embed[] => {
  const errors: FieldErrors = {};
  if (embeds.length > EMBEDS_MAX) errors[field] = `Must be ${EMBEDS_MAX} or fewer in length.`;
  let total = 0;
  const text = (path: string, value: string, max: number, required = false): string => {
    const length = codePointLength(value);
    total += length;
    if (length > max) errors[path] = `Must be ${max} or fewer in length.`;
    else if (required && value.trim() === "") errors[path] = "This field is required";
    return value;
  };
  const link = (path: string, value: string | undefined, allowAttachment = false): string | undefined => {
    if (value !== undefined && !isEmbedUrl(value, allowAttachment)) {
      errors[path] = `Must be an http(s) URL${allowAttachment ? " or attachment://filename" : ""} of at most ${EmbedLimits.url} characters.`;
    }
    return value;
  };
  const checked = embeds.map((input, index): Embed => {
    const at = `${field}.${index}`;
    const fields = input.fields ?? [];
    if (fields.length > EmbedLimits.fields) errors[`${at}.fields`] = `Must be ${EmbedLimits.fields} or fewer in length.`;
    let timestamp: string | undefined;
    if (input.timestamp !== undefined) {
      const time = Date.parse(input.timestamp);
      if (Number.isNaN(time)) errors[`${at}.timestamp`] = "Must be an ISO 8601 timestamp.";
      else timestamp = new Date(time).toISOString();
    }
    const color = input.color ?? undefined;
    if (color !== undefined && (!Number.isInteger(color) || color < 0 || color > EmbedLimits.color)) {
      errors[`${at}.color`] = `Must be an integer between 0 and ${EmbedLimits.color}.`;
    }
    return {
      type: "rich",
      ...(input.title !== undefined ? { title: text(`${at}.title`, input.title, EmbedLimits.title) } : {}),
      ...(input.description !== undefined ? { description: text(`${at}.description`, input.description, EmbedLimits.description) } : {}),
      ...(input.url !== undefined ? { url: link(`${at}.url`, input.url) } : {}),
      ...(timestamp !== undefined ? { timestamp } : {}),
      ...(color !== undefined ? { color } : {}),
      ...(input.footer
        ? {
            footer: {
              text: text(`${at}.footer.text`, input.footer.text, EmbedLimits.footerText, true),
              ...(input.footer.icon_url !== undefined ? { icon_url: link(`${at}.footer.icon_url`, input.footer.icon_url, true) } : {}),
            },
          }
        : {}),
      ...(input.image ? { image: { url: link(`${at}.image.url`, input.image.url, true) as string } } : {}),
      ...(input.thumbnail ? { thumbnail: { url: link(`${at}.thumbnail.url`, input.thumbnail.url, true) as string } } : {}),
      ...(input.author
        ? {
            author: {
              name: text(`${at}.author.name`, input.author.name, EmbedLimits.authorName, true),
              ...(input.author.url !== undefined ? { url: link(`${at}.author.url`, input.author.url) } : {}),
              ...(input.author.icon_url !== undefined ? { icon_url: link(`${at}.author.icon_url`, input.author.icon_url, true) } : {}),
            },
          }
        : {}),
      ...(input.fields !== undefined
        ? {
            fields: fields.map((entry, position) => ({
              name: text(`${at}.fields.${position}.name`, entry.name, EmbedLimits.fieldName, true),
              value: text(`${at}.fields.${position}.value`, entry.value, EmbedLimits.fieldValue, true),
              ...(entry.inline !== undefined ? { inline: entry.inline } : {}),
            })),
          }
        : {}),
    } as Embed;
  });
  if (total > EmbedLimits.total && errors[field] === undefined) errors[field] = `Embed size exceeds maximum size of ${EmbedLimits.total}.`;
  if (Object.keys(errors).length > 0) throw new DomainError(ErrorCode.VALIDATION, "Invalid Form Body", errors);
  return checked;
};
