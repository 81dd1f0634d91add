/** Managed policies and versions; attached and inline policies of users, groups and roles. */
import { arnOf, type EntityKind } from '../../../iam/store/index.js';
import { parsePolicy } from '../../../iam/policy/index.js';
import { documentValue, groupXml, policyVersionXml, policyXml, roleXml, userXml } from '../render.js';
import { el, esc, members, paging, wrap } from '../xml.js';
import { entityArn, type ActionContext, type IamAction } from './types.js';

/** AWS quotas (characters, whitespace not counted). */
const MANAGED_MAX = 6144;
const INLINE_MAX: Record<EntityKind, number> = { user: 2048, group: 5120, role: 10240 };

function validateIdentityPolicy(doc: string, id: string, maxLength: number): void {
  parsePolicy(doc, { id, kind: 'identity', maxLength });
}

const policyArn = async (c: ActionContext) => c.params.required('PolicyArn');

export const managedPolicyActions: Record<string, IamAction> = {
  CreatePolicy: {
    resource: async (c) => arnOf(c.accountId, 'policy', c.params.optional('Path') ?? '/', c.params.required('PolicyName')),
    run: async (c) => {
      const doc = c.params.required('PolicyDocument');
      validateIdentityPolicy(doc, c.params.required('PolicyName'), MANAGED_MAX);
      const p = await c.store.createPolicy({ policyName: c.params.required('PolicyName'), path: c.params.optional('Path'), document: doc, description: c.params.optional('Description') });
      return wrap('Policy', policyXml(p));
    },
  },
  GetPolicy: { resource: policyArn, run: async (c) => wrap('Policy', policyXml(await c.store.getPolicy(c.params.required('PolicyArn')))) },
  ListPolicies: {
    resource: async (c) => arnOf(c.accountId, 'policy', c.params.optional('PathPrefix') ?? '/', '*'),
    run: async (c) => {
      // There are no AWS managed policies in Coffer: Scope=AWS lists nothing.
      if (c.params.optional('Scope') === 'AWS') return '<Policies/>' + el('IsTruncated', false);
      const page = await c.store.listPolicies({ ...c.params.listing(), onlyAttached: c.params.bool('OnlyAttached') ?? false });
      return members('Policies', page.items.map(policyXml)) + paging(page);
    },
  },
  DeletePolicy: {
    resource: policyArn,
    run: async (c) => {
      await c.store.deletePolicy(c.params.required('PolicyArn'));
      return null;
    },
  },
  CreatePolicyVersion: {
    resource: policyArn,
    run: async (c) => {
      const arn = c.params.required('PolicyArn');
      const doc = c.params.required('PolicyDocument');
      validateIdentityPolicy(doc, arn, MANAGED_MAX);
      return wrap('PolicyVersion', policyVersionXml(await c.store.createPolicyVersion(arn, doc, c.params.bool('SetAsDefault') ?? false), false));
    },
  },
  GetPolicyVersion: {
    resource: policyArn,
    run: async (c) => wrap('PolicyVersion', policyVersionXml(await c.store.getPolicyVersion(c.params.required('PolicyArn'), c.params.required('VersionId')), true)),
  },
  ListPolicyVersions: {
    resource: policyArn,
    run: async (c) => members('Versions', (await c.store.listPolicyVersions(c.params.required('PolicyArn'))).map((v) => policyVersionXml(v, false))) + el('IsTruncated', false),
  },
  DeletePolicyVersion: {
    resource: policyArn,
    run: async (c) => {
      await c.store.deletePolicyVersion(c.params.required('PolicyArn'), c.params.required('VersionId'));
      return null;
    },
  },
  SetDefaultPolicyVersion: {
    resource: policyArn,
    run: async (c) => {
      await c.store.setDefaultPolicyVersion(c.params.required('PolicyArn'), c.params.required('VersionId'));
      return null;
    },
  },
};

const KINDS: [EntityKind, string][] = [
  ['user', 'User'],
  ['group', 'Group'],
  ['role', 'Role'],
];

/** Attach/Detach/ListAttached<Kind>Policies and Put/Get/Delete/List<Kind>Polic(y|ies) for each kind. */
export const entityPolicyActions: Record<string, IamAction> = {};
for (const [kind, K] of KINDS) {
  const nameParam = `${K}Name`;
  const arn = async (c: ActionContext) => entityArn(c, kind, c.params.required(nameParam));
  entityPolicyActions[`Attach${K}Policy`] = {
    resource: arn,
    run: async (c) => {
      await c.store.attachPolicy(kind, c.params.required(nameParam), c.params.required('PolicyArn'));
      return null;
    },
  };
  entityPolicyActions[`Detach${K}Policy`] = {
    resource: arn,
    run: async (c) => {
      await c.store.detachPolicy(kind, c.params.required(nameParam), c.params.required('PolicyArn'));
      return null;
    },
  };
  entityPolicyActions[`ListAttached${K}Policies`] = {
    resource: arn,
    run: async (c) => {
      const page = await c.store.listAttachedPolicies(kind, c.params.required(nameParam), c.params.listing());
      return members('AttachedPolicies', page.items.map((p) => el('PolicyName', p.policyName) + el('PolicyArn', p.policyArn))) + paging(page);
    },
  };
  entityPolicyActions[`Put${K}Policy`] = {
    resource: arn,
    run: async (c) => {
      const name = c.params.required(nameParam);
      const policyName = c.params.required('PolicyName');
      const doc = c.params.required('PolicyDocument');
      validateIdentityPolicy(doc, `${kind}/${name}/${policyName}`, INLINE_MAX[kind]);
      await c.store.putInlinePolicy(kind, name, policyName, doc);
      return null;
    },
  };
  entityPolicyActions[`Get${K}Policy`] = {
    resource: arn,
    run: async (c) => {
      const name = c.params.required(nameParam);
      const policyName = c.params.required('PolicyName');
      const doc = await c.store.getInlinePolicy(kind, name, policyName);
      const stored = kind === 'user' ? (await c.store.getUser(name)).userName : kind === 'group' ? (await c.store.getGroup(name)).group.groupName : (await c.store.getRole(name)).roleName;
      return el(nameParam, stored) + el('PolicyName', policyName) + el('PolicyDocument', documentValue(doc));
    },
  };
  entityPolicyActions[`Delete${K}Policy`] = {
    resource: arn,
    run: async (c) => {
      await c.store.deleteInlinePolicy(kind, c.params.required(nameParam), c.params.required('PolicyName'));
      return null;
    },
  };
  entityPolicyActions[`List${K}Policies`] = {
    resource: arn,
    run: async (c) => {
      const page = await c.store.listInlinePolicies(kind, c.params.required(nameParam), c.params.listing());
      return members('PolicyNames', page.items.map(esc)) + paging(page);
    },
  };
}

async function inlineXml(c: ActionContext, kind: EntityKind, name: string): Promise<string> {
  const names = await c.store.listInlinePolicies(kind, name, { maxItems: 1000 });
  const items: string[] = [];
  for (const n of names.items) items.push(el('PolicyName', n) + el('PolicyDocument', documentValue(await c.store.getInlinePolicy(kind, name, n))));
  const attached = await c.store.listAttachedPolicies(kind, name, { maxItems: 1000 });
  const tag = kind === 'user' ? 'UserPolicyList' : kind === 'group' ? 'GroupPolicyList' : 'RolePolicyList';
  return members(tag, items) + members('AttachedManagedPolicies', attached.items.map((p) => el('PolicyName', p.policyName) + el('PolicyArn', p.policyArn)));
}

export const accountActions: Record<string, IamAction> = {
  /** One page of up to 1000 entities of each kind (Coffer accounts are small). */
  GetAccountAuthorizationDetails: {
    resource: async () => '*',
    run: async (c) => {
      const users: string[] = [];
      for (const u of (await c.store.listUsers({ maxItems: 1000 })).items) {
        const groups = (await c.store.listGroupsForUser(u.userName, { maxItems: 1000 })).items.map((g) => g.groupName);
        users.push(userXml(u) + (await inlineXml(c, 'user', u.userName)) + members('GroupList', groups.map(esc)));
      }
      const groups: string[] = [];
      for (const g of (await c.store.listGroups({ maxItems: 1000 })).items) groups.push(groupXml(g) + (await inlineXml(c, 'group', g.groupName)));
      const roles: string[] = [];
      for (const r of (await c.store.listRoles({ maxItems: 1000 })).items) roles.push(roleXml(r) + (await inlineXml(c, 'role', r.roleName)));
      const policies: string[] = [];
      for (const p of (await c.store.listPolicies({ maxItems: 1000 })).items) {
        const versions = await c.store.listPolicyVersions(p.arn);
        policies.push(policyXml(p) + members('PolicyVersionList', versions.map((v) => policyVersionXml(v, true))));
      }
      return members('UserDetailList', users) + members('GroupDetailList', groups) + members('RoleDetailList', roles) + members('Policies', policies) + el('IsTruncated', false);
    },
  },
};
