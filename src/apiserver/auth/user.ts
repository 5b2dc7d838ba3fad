/** Who a request is from, and the well-known users and groups of kube-apiserver. */

/** The authenticated (or anonymous) identity of a request, as k8s.io/apiserver's user.Info. */
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  /** Further facts about the user (a ServiceAccount token's pod, node and credential id). */
  extra?: Record<string, string[]>;
}

/** Well-known names, spelled as upstream spells them. */
export const Users = {
  anonymous: 'system:anonymous',
  admin: 'kubernetes-admin',
} as const;

export const Groups = {
  masters: 'system:masters',
  authenticated: 'system:authenticated',
  unauthenticated: 'system:unauthenticated',
  nodes: 'system:nodes',
  bootstrappers: 'system:bootstrappers',
} as const;

/** The anonymous user, as `--anonymous-auth=true` (the upstream default) makes it. */
export const anonymousUser = (): UserInfo => ({ name: Users.anonymous, groups: [Groups.unauthenticated] });

/** Adds `system:authenticated` unless present, as upstream's AuthenticatedGroupAdder does. */
export function withAuthenticatedGroup(u: UserInfo): UserInfo {
  return u.groups.includes(Groups.authenticated) ? u : { ...u, groups: [...u.groups, Groups.authenticated] };
}
