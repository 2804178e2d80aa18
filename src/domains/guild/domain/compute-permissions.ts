// Discord's permission function is a rule of both guilds (role hierarchy) and channels (overwrites), so it lives in
// the shared kernel, which every domain layer may import; guild code keeps reading it from here.
export { OverwriteTarget, type PermissionOverwrite, type PermissionGrant, type PermissionSubject, computeGrant, computePermissions } from "../../../shared/kernel/compute-permissions";
