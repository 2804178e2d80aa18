import { type DomainEvent, type Unrecorded, topics } from "../../../shared/kernel/domain-event";
import type { User } from "./user";
import { type UserPayload, userPayload } from "../../../shared/kernel/users";

/**
 * Event data is the wire shape of API.md (snake_case, ISO dates) because the gateway dispatches it as is.
 * The email appears only in USER_UPDATED, whose topics are `user:<id>`, which reaches only the user's own sessions,
 * and `system:profiles`, which only the nodes' profile caches hear (no session subscribes to it).
 */
/** The public User object (no email), as every domain shows users. */
export type UserEventData = UserPayload;

export type UserCreated = DomainEvent<"USER_CREATED", { user: UserEventData }>;
export type UserUpdated = DomainEvent<"USER_UPDATED", { user: UserEventData & { email: string | null; mfa_enabled: boolean } }>;
export type UserDeleted = DomainEvent<"USER_DELETED", { user: UserEventData }>;
export type UserEvent = UserCreated | UserUpdated | UserDeleted;

const publicData = (user: User): UserEventData => userPayload(user);

export const userCreated = (user: User): Unrecorded<UserCreated> => ({
  type: "USER_CREATED",
  topics: [topics.user(user.id)],
  data: { user: publicData(user) },
});

export const userUpdated = (user: User): Unrecorded<UserUpdated> => ({
  type: "USER_UPDATED",
  topics: [topics.user(user.id), topics.profiles()],
  data: { user: { ...publicData(user), email: user.email, mfa_enabled: user.mfaEnabled } },
});

/** Carries the anonymized placeholder, so listeners can redraw history without the old name. */
export const userDeleted = (user: User): Unrecorded<UserDeleted> => ({
  type: "USER_DELETED",
  topics: [topics.user(user.id), topics.profiles()],
  data: { user: publicData(user) },
});
