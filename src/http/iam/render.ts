/** IAM entities as the XML members the IAM API returns. */
import type { AccessKeyMetadata, Group, ManagedPolicy, PolicyVersion, Role, Tag, User } from '../../iam/store/index.js';
import { el, members, wrap } from './xml.js';

export function tagsXml(tags: readonly Tag[]): string {
  return tags.length ? members('Tags', tags.map((t) => el('Key', t.key) + el('Value', t.value))) : '';
}

/** Documents are URL-encoded in IAM responses (the AWS CLI decodes them). */
export function documentValue(doc: string): string {
  return encodeURIComponent(doc);
}

export function userXml(u: User): string {
  const boundary = u.permissionsBoundary ? wrap('PermissionsBoundary', el('PermissionsBoundaryType', 'Policy') + el('PermissionsBoundaryArn', u.permissionsBoundary)) : '';
  return el('Path', u.path) + el('UserName', u.userName) + el('UserId', u.userId) + el('Arn', u.arn) + el('CreateDate', u.createDate) + el('PasswordLastUsed', u.passwordLastUsed) + boundary + tagsXml(u.tags);
}

export function groupXml(g: Group): string {
  return el('Path', g.path) + el('GroupName', g.groupName) + el('GroupId', g.groupId) + el('Arn', g.arn) + el('CreateDate', g.createDate);
}

export function roleXml(r: Role): string {
  const boundary = r.permissionsBoundary ? wrap('PermissionsBoundary', el('PermissionsBoundaryType', 'Policy') + el('PermissionsBoundaryArn', r.permissionsBoundary)) : '';
  return (
    el('Path', r.path) +
    el('RoleName', r.roleName) +
    el('RoleId', r.roleId) +
    el('Arn', r.arn) +
    el('CreateDate', r.createDate) +
    el('AssumeRolePolicyDocument', documentValue(r.assumeRolePolicyDocument)) +
    (r.description ? el('Description', r.description) : '') +
    el('MaxSessionDuration', r.maxSessionDuration) +
    boundary +
    tagsXml(r.tags)
  );
}

export function policyXml(p: ManagedPolicy): string {
  return (
    el('PolicyName', p.policyName) +
    el('PolicyId', p.policyId) +
    el('Arn', p.arn) +
    el('Path', p.path) +
    el('DefaultVersionId', p.defaultVersionId) +
    el('AttachmentCount', p.attachmentCount) +
    el('PermissionsBoundaryUsageCount', 0) +
    el('IsAttachable', true) +
    (p.description ? el('Description', p.description) : '') +
    el('CreateDate', p.createDate) +
    el('UpdateDate', p.updateDate)
  );
}

export function policyVersionXml(v: PolicyVersion, withDocument: boolean): string {
  return (withDocument ? el('Document', documentValue(v.document)) : '') + el('VersionId', v.versionId) + el('IsDefaultVersion', v.isDefaultVersion) + el('CreateDate', v.createDate);
}

export function accessKeyXml(k: AccessKeyMetadata): string {
  return el('UserName', k.userName) + el('AccessKeyId', k.accessKeyId) + el('Status', k.status) + el('CreateDate', k.createDate);
}
