import { randomBytes } from "node:crypto";
import { checkFields } from "../../../shared/kernel/field-checks";
import { type Snowflake, isSnowflake } from "../../../shared/kernel/snowflake";
import {
  type Application,
  botsForbidden,
  botsOnly,
  checkApplicationCount,
  checkApplicationFlags,
  normalizeApplicationDescription,
  normalizeApplicationName,
  unknownApplication,
} from "../domain/application";
import type { Caller } from "../domain/session";
import type { User } from "../domain/user";
import type { IdentityDeps } from "./identity-deps";

/** An application with its owner's and its bot's accounts, as the routes show it. */
export interface ApplicationView {
  readonly application: Application;
  readonly owner: User;
  readonly bot: User | null;
}

export interface CreateApplicationInput {
  readonly name: string;
  readonly description?: string;
}

/** Fields left undefined stay as they are. */
export interface UpdateApplicationInput {
  readonly name?: string;
  readonly description?: string;
  readonly flags?: number;
}

/** Bots manage no applications (Discord's 20001): only people do. */
export const requireHuman = (caller: Caller): void => {
  if (caller.bot) throw botsForbidden();
};

/** The application with its owner and bot accounts. */
const viewOf = async (deps: Pick<IdentityDeps, "repositories">, application: Application): Promise<ApplicationView> => {
  const ids = application.botUserId ? [application.ownerId, application.botUserId] : [application.ownerId];
  const users = new Map((await deps.repositories.users.findMany(ids)).map((user) => [user.id, user]));
  const owner = users.get(application.ownerId);
  if (!owner) throw unknownApplication();
  return { application, owner, bot: application.botUserId ? (users.get(application.botUserId) ?? null) : null };
};

/** The caller's own application; UNKNOWN_APPLICATION for anyone else's (its existence is not told) or an unknown id. */
export const ownedApplication = async (deps: Pick<IdentityDeps, "repositories">, caller: Caller, id: Snowflake): Promise<Application> => {
  requireHuman(caller);
  const application = isSnowflake(id) ? await deps.repositories.applications.find(id) : null;
  if (!application || application.ownerId !== caller.userId) throw unknownApplication();
  return application;
};

/** Creates an application owned by the caller (people only; at most 25 each). It has no bot until one is created. */
export const createApplication =
  (deps: Pick<IdentityDeps, "repositories" | "unitOfWork" | "clock" | "ids">) =>
  async (caller: Caller, input: CreateApplicationInput): Promise<ApplicationView> => {
    requireHuman(caller);
    const fields = checkFields({
      name: () => normalizeApplicationName(input.name),
      description: () => normalizeApplicationDescription(input.description ?? ""),
    });
    const application: Application = {
      id: deps.ids.next(),
      ownerId: caller.userId,
      name: fields.name,
      description: fields.description,
      flags: 0,
      botUserId: null,
      verifyKey: randomBytes(32).toString("hex"),
      createdAt: new Date(deps.clock.now()),
    };
    await deps.unitOfWork(async ({ applications }) => {
      checkApplicationCount(await applications.countByOwner(caller.userId));
      await applications.insert(application);
    });
    return viewOf(deps, application);
  };

/** The caller's applications, oldest first (people only). */
export const listApplications =
  (deps: Pick<IdentityDeps, "repositories">) =>
  async (caller: Caller): Promise<ApplicationView[]> => {
    requireHuman(caller);
    const owned = await deps.repositories.applications.listByOwner(caller.userId);
    return Promise.all(owned.map((application) => viewOf(deps, application)));
  };

/** One of the caller's applications. */
export const getApplication =
  (deps: Pick<IdentityDeps, "repositories">) =>
  async (caller: Caller, id: Snowflake): Promise<ApplicationView> =>
    viewOf(deps, await ownedApplication(deps, caller, id));

/**
 * Changes an application's name, description or flags (its owner only). Only the privileged-intent flags can be set;
 * the bot's sessions get the new flags from their next authentication (the caller drops its cached ones).
 */
export const updateApplication =
  (deps: Pick<IdentityDeps, "repositories">) =>
  async (caller: Caller, id: Snowflake, input: UpdateApplicationInput): Promise<ApplicationView> => {
    const current = await ownedApplication(deps, caller, id);
    const fields = checkFields({
      name: () => (input.name === undefined ? undefined : normalizeApplicationName(input.name)),
      description: () => (input.description === undefined ? undefined : normalizeApplicationDescription(input.description)),
      flags: () => (input.flags === undefined ? undefined : checkApplicationFlags(input.flags)),
    });
    const updated: Application = {
      ...current,
      name: fields.name ?? current.name,
      description: fields.description ?? current.description,
      flags: fields.flags ?? current.flags,
    };
    await deps.repositories.applications.update(updated);
    return viewOf(deps, updated);
  };

/** The calling bot's own application (GET /applications/@me, /oauth2/applications/@me); people get BOTS_ONLY. */
export const currentApplication =
  (deps: Pick<IdentityDeps, "repositories">) =>
  async (caller: Caller): Promise<ApplicationView> => {
    if (!caller.bot) throw botsOnly();
    const application = await deps.repositories.applications.find(caller.bot.applicationId);
    if (!application) throw unknownApplication();
    return viewOf(deps, application);
  };

/** What another domain needs of an application to add its bot to a guild: null when there is no such application. */
export const applicationBot =
  (deps: Pick<IdentityDeps, "repositories">) =>
  async (applicationId: Snowflake): Promise<{ applicationId: Snowflake; name: string; botUserId: Snowflake | null } | null> => {
    const application = isSnowflake(applicationId) ? await deps.repositories.applications.find(applicationId) : null;
    return application && { applicationId: application.id, name: application.name, botUserId: application.botUserId };
  };
