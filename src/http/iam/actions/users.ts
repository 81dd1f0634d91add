/** Users, access keys, login profiles and user tags. */
import { CofferError } from '../../../shared/index.js';
import { arnOf } from '../../../iam/store/index.js';
import { createRootAccessKey } from '../../../iam/principals/root-keys.js';
import { accessKeyXml, tagsXml, userXml } from '../render.js';
import { el, members, paging, wrap } from '../xml.js';
import { entityArn, userNameOrCaller, type ActionContext, type IamAction } from './types.js';

/** The root user managing its own access keys: a root caller without UserName. */
const forRoot = (c: ActionContext): boolean => c.callerIsRoot === true && c.params.optional('UserName') === undefined;
const selfArn = async (c: ActionContext) => entityArn(c, 'user', userNameOrCaller(c));
const keyOwnerArn = async (c: ActionContext) => (forRoot(c) ? `arn:aws:iam::${c.accountId}:root` : selfArn(c));
const userArn = async (c: ActionContext) => entityArn(c, 'user', c.params.required('UserName'));
const allUsers = async (c: ActionContext) => arnOf(c.accountId, 'user', c.params.optional('PathPrefix') ?? '/', '*');

export const userActions: Record<string, IamAction> = {
  CreateUser: {
    resource: async (c) => arnOf(c.accountId, 'user', c.params.optional('Path') ?? '/', c.params.required('UserName')),
    run: async (c) => {
      const boundary = c.params.optional('PermissionsBoundary');
      const u = await c.store.createUser({ userName: c.params.required('UserName'), path: c.params.optional('Path'), tags: c.params.tags(), ...(boundary ? { permissionsBoundary: boundary } : {}) });
      return wrap('User', userXml(u));
    },
  },
  GetUser: {
    resource: selfArn,
    run: async (c) => wrap('User', userXml(await c.store.getUser(userNameOrCaller(c)))),
  },
  ListUsers: {
    resource: allUsers,
    run: async (c) => {
      const page = await c.store.listUsers(c.params.listing());
      return members('Users', page.items.map(userXml)) + paging(page);
    },
  },
  UpdateUser: {
    resource: userArn,
    run: async (c) => {
      await c.store.updateUser(c.params.required('UserName'), { newUserName: c.params.optional('NewUserName'), newPath: c.params.optional('NewPath') });
      return null;
    },
  },
  DeleteUser: {
    resource: userArn,
    run: async (c) => {
      await c.store.deleteUser(c.params.required('UserName'));
      return null;
    },
  },
  TagUser: {
    resource: userArn,
    run: async (c) => {
      await c.store.tagUser(c.params.required('UserName'), c.params.tags());
      return null;
    },
  },
  UntagUser: {
    resource: userArn,
    run: async (c) => {
      await c.store.untagUser(c.params.required('UserName'), c.params.list('TagKeys'));
      return null;
    },
  },
  ListUserTags: {
    resource: userArn,
    run: async (c) => (tagsXml((await c.store.getUser(c.params.required('UserName'))).tags) || '<Tags/>') + el('IsTruncated', false),
  },

  CreateAccessKey: {
    resource: keyOwnerArn,
    run: async (c) => {
      if (forRoot(c)) {
        // Break-glass only: refused unless iam.allowRootAccessKeys (the message says what to do instead).
        const { key, secretAccessKey } = await createRootAccessKey(c.store, { allowRootAccessKeys: c.allowRootAccessKeys === true });
        return wrap('AccessKey', el('AccessKeyId', key.accessKeyId) + el('Status', key.status) + el('SecretAccessKey', secretAccessKey) + el('CreateDate', key.createDate));
      }
      const { key, secretAccessKey } = await c.store.createAccessKey(userNameOrCaller(c));
      return wrap('AccessKey', el('UserName', key.userName) + el('AccessKeyId', key.accessKeyId) + el('Status', key.status) + el('SecretAccessKey', secretAccessKey) + el('CreateDate', key.createDate));
    },
  },
  ListAccessKeys: {
    resource: keyOwnerArn,
    run: async (c) => {
      if (forRoot(c)) {
        const keys = await c.store.rootKeys.list();
        return members('AccessKeyMetadata', keys.map((k) => el('AccessKeyId', k.accessKeyId) + el('Status', k.status) + el('CreateDate', k.createDate))) + el('IsTruncated', false);
      }
      const name = userNameOrCaller(c);
      return members('AccessKeyMetadata', (await c.store.listAccessKeys(name)).map(accessKeyXml)) + el('IsTruncated', false) + el('UserName', (await c.store.getUser(name)).userName);
    },
  },
  UpdateAccessKey: {
    resource: keyOwnerArn,
    run: async (c) => {
      const status = c.params.required('Status');
      if (status !== 'Active' && status !== 'Inactive') throw new CofferError('iam.validation', { message: "1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]" });
      if (forRoot(c)) await c.store.rootKeys.update(c.params.required('AccessKeyId'), status);
      else await c.store.updateAccessKey(userNameOrCaller(c), c.params.required('AccessKeyId'), status);
      return null;
    },
  },
  DeleteAccessKey: {
    resource: keyOwnerArn,
    run: async (c) => {
      if (forRoot(c)) await c.store.rootKeys.delete(c.params.required('AccessKeyId'));
      else await c.store.deleteAccessKey(userNameOrCaller(c), c.params.required('AccessKeyId'));
      return null;
    },
  },
  GetAccessKeyLastUsed: {
    resource: async (c) => {
      try {
        return await entityArn(c, 'user', (await c.store.getAccessKeyLastUsed(c.params.required('AccessKeyId'))).userName);
      } catch {
        return arnOf(c.accountId, 'user', '/', '*');
      }
    },
    run: async (c) => {
      const { userName, lastUsed } = await c.store.getAccessKeyLastUsed(c.params.required('AccessKeyId'));
      const inner = lastUsed.lastUsedDate
        ? el('LastUsedDate', lastUsed.lastUsedDate) + el('ServiceName', lastUsed.serviceName) + el('Region', lastUsed.region)
        : el('ServiceName', 'N/A') + el('Region', 'N/A');
      return el('UserName', userName) + wrap('AccessKeyLastUsed', inner);
    },
  },

  CreateLoginProfile: {
    resource: selfArn,
    run: async (c) => {
      const p = await c.store.createLoginProfile(userNameOrCaller(c), c.params.required('Password'), c.params.bool('PasswordResetRequired') ?? false);
      return wrap('LoginProfile', el('UserName', p.userName) + el('CreateDate', p.createDate) + el('PasswordResetRequired', p.passwordResetRequired));
    },
  },
  GetLoginProfile: {
    resource: selfArn,
    run: async (c) => {
      const p = await c.store.getLoginProfile(userNameOrCaller(c));
      return wrap('LoginProfile', el('UserName', p.userName) + el('CreateDate', p.createDate) + el('PasswordResetRequired', p.passwordResetRequired));
    },
  },
  UpdateLoginProfile: {
    resource: selfArn,
    run: async (c) => {
      await c.store.updateLoginProfile(userNameOrCaller(c), { password: c.params.optional('Password'), passwordResetRequired: c.params.bool('PasswordResetRequired') });
      return null;
    },
  },
  DeleteLoginProfile: {
    resource: selfArn,
    run: async (c) => {
      await c.store.deleteLoginProfile(userNameOrCaller(c));
      return null;
    },
  },
};
