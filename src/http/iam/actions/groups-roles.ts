/** Groups and membership; roles and their trust policies and tags. */
import { arnOf } from '../../../iam/store/index.js';
import { parsePolicy } from '../../../iam/policy/index.js';
import { groupXml, roleXml, tagsXml, userXml } from '../render.js';
import { el, members, paging, wrap } from '../xml.js';
import { entityArn, type ActionContext, type IamAction } from './types.js';

const groupArn = async (c: ActionContext) => entityArn(c, 'group', c.params.required('GroupName'));
const roleArn = async (c: ActionContext) => entityArn(c, 'role', c.params.required('RoleName'));

/** Trust policies are validated as such when saved (AWS's 2,048-character default quota). */
export function validateTrustPolicy(doc: string, id: string): void {
  parsePolicy(doc, { id, kind: 'trust', maxLength: 2048 });
}

export const groupRoleActions: Record<string, IamAction> = {
  CreateGroup: {
    resource: async (c) => arnOf(c.accountId, 'group', c.params.optional('Path') ?? '/', c.params.required('GroupName')),
    run: async (c) => wrap('Group', groupXml(await c.store.createGroup({ groupName: c.params.required('GroupName'), path: c.params.optional('Path') }))),
  },
  GetGroup: {
    resource: groupArn,
    run: async (c) => {
      const { group, users } = await c.store.getGroup(c.params.required('GroupName'));
      return wrap('Group', groupXml(group)) + members('Users', users.map(userXml)) + el('IsTruncated', false);
    },
  },
  ListGroups: {
    resource: async (c) => arnOf(c.accountId, 'group', c.params.optional('PathPrefix') ?? '/', '*'),
    run: async (c) => {
      const page = await c.store.listGroups(c.params.listing());
      return members('Groups', page.items.map(groupXml)) + paging(page);
    },
  },
  DeleteGroup: {
    resource: groupArn,
    run: async (c) => {
      await c.store.deleteGroup(c.params.required('GroupName'));
      return null;
    },
  },
  AddUserToGroup: {
    resource: groupArn,
    run: async (c) => {
      await c.store.addUserToGroup(c.params.required('GroupName'), c.params.required('UserName'));
      return null;
    },
  },
  RemoveUserFromGroup: {
    resource: groupArn,
    run: async (c) => {
      await c.store.removeUserFromGroup(c.params.required('GroupName'), c.params.required('UserName'));
      return null;
    },
  },
  ListGroupsForUser: {
    resource: async (c) => entityArn(c, 'user', c.params.required('UserName')),
    run: async (c) => {
      const page = await c.store.listGroupsForUser(c.params.required('UserName'), c.params.listing());
      return members('Groups', page.items.map(groupXml)) + paging(page);
    },
  },

  CreateRole: {
    resource: async (c) => arnOf(c.accountId, 'role', c.params.optional('Path') ?? '/', c.params.required('RoleName')),
    run: async (c) => {
      const doc = c.params.required('AssumeRolePolicyDocument');
      const name = c.params.required('RoleName');
      validateTrustPolicy(doc, `role/${name}/trust`);
      const boundary = c.params.optional('PermissionsBoundary');
      const role = await c.store.createRole({
        roleName: name,
        path: c.params.optional('Path'),
        assumeRolePolicyDocument: doc,
        description: c.params.optional('Description'),
        maxSessionDuration: c.params.int('MaxSessionDuration'),
        tags: c.params.tags(),
        ...(boundary ? { permissionsBoundary: boundary } : {}),
      });
      return wrap('Role', roleXml(role));
    },
  },
  GetRole: {
    resource: roleArn,
    run: async (c) => wrap('Role', roleXml(await c.store.getRole(c.params.required('RoleName')))),
  },
  ListRoles: {
    resource: async (c) => arnOf(c.accountId, 'role', c.params.optional('PathPrefix') ?? '/', '*'),
    run: async (c) => {
      const page = await c.store.listRoles(c.params.listing());
      return members('Roles', page.items.map(roleXml)) + paging(page);
    },
  },
  DeleteRole: {
    resource: roleArn,
    run: async (c) => {
      await c.store.deleteRole(c.params.required('RoleName'));
      return null;
    },
  },
  UpdateAssumeRolePolicy: {
    resource: roleArn,
    run: async (c) => {
      const name = c.params.required('RoleName');
      const doc = c.params.required('PolicyDocument');
      validateTrustPolicy(doc, `role/${name}/trust`);
      await c.store.updateAssumeRolePolicy(name, doc);
      return null;
    },
  },
  TagRole: {
    resource: roleArn,
    run: async (c) => {
      await c.store.tagRole(c.params.required('RoleName'), c.params.tags());
      return null;
    },
  },
  UntagRole: {
    resource: roleArn,
    run: async (c) => {
      await c.store.untagRole(c.params.required('RoleName'), c.params.list('TagKeys'));
      return null;
    },
  },
  ListRoleTags: {
    resource: roleArn,
    run: async (c) => (tagsXml((await c.store.getRole(c.params.required('RoleName'))).tags) || '<Tags/>') + el('IsTruncated', false),
  },
};
