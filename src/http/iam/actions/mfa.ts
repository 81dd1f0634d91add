/**
 * Virtual MFA devices (IAM API): create (seed and QR code returned once, base64 on the wire as
 * AWS does: Base32StringSeed = base64(ASCII base32 text), QRCodePNG = base64(PNG of
 * otpauth://totp/<device>@<account>?secret=<base32>)), enable and resync with two consecutive
 * codes, deactivate, delete, list. Codes and seeds are never logged (iam-route leaves any
 * *AuthenticationCode* and *Seed* parameter out of the trail and marks the seed as a secret).
 */
import { CofferError } from '../../../shared/index.js';
import { arnOf, type MfaAssignment, type MfaDevice } from '../../../iam/store/index.js';
import { otpauthUri, qrCodePng } from '../../../mfa/index.js';
import { userXml } from '../render.js';
import { el, members, paging, wrap } from '../xml.js';
import { entityArn, userNameOrCaller, type ActionContext, type IamAction } from './types.js';

const userArn = async (c: ActionContext) => entityArn(c, 'user', c.params.required('UserName'));
const selfArn = async (c: ActionContext) => entityArn(c, 'user', userNameOrCaller(c));

/** AuthenticationCode1/2: exactly six digits (the model's constraint). */
function codeParam(c: ActionContext, name: 'AuthenticationCode1' | 'AuthenticationCode2'): string {
  const v = c.params.required(name);
  if (!/^\d{6}$/.test(v)) {
    const param = name[0]!.toLowerCase() + name.slice(1);
    throw new CofferError('iam.validation', { message: `1 validation error detected: Value at '${param}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]+` });
  }
  return v;
}

function serialParam(c: ActionContext): string {
  const v = c.params.required('SerialNumber');
  if (v.length < 9 || v.length > 256 || !/^[\w+=/:,.@-]+$/.test(v)) {
    throw new CofferError('iam.validation', { message: "1 validation error detected: Value at 'serialNumber' failed to satisfy constraint: Member must have length between 9 and 256 and satisfy the pattern [\\w+=/:,.@-]+" });
  }
  return v;
}

async function virtualDeviceXml(c: ActionContext, d: MfaDevice): Promise<string> {
  const user = d.userName ? wrap('User', userXml(await c.store.getUser(d.userName))) : '';
  return el('SerialNumber', d.serialNumber) + user + el('EnableDate', d.enableDate);
}

export const mfaActions: Record<string, IamAction> = {
  CreateVirtualMFADevice: {
    resource: async (c) => `arn:aws:iam::${c.accountId}:mfa${c.params.optional('Path') ?? '/'}${c.params.required('VirtualMFADeviceName')}`,
    run: async (c) => {
      const { device, base32Seed } = await c.store.mfa.createVirtualMfaDevice({ name: c.params.required('VirtualMFADeviceName'), path: c.params.optional('Path') });
      const png = await qrCodePng(otpauthUri(device.name, c.accountId, base32Seed));
      return wrap(
        'VirtualMFADevice',
        el('SerialNumber', device.serialNumber) + el('Base32StringSeed', Buffer.from(base32Seed, 'ascii').toString('base64')) + el('QRCodePNG', png.toString('base64')),
      );
    },
  },
  EnableMFADevice: {
    resource: userArn,
    run: async (c) => {
      await c.store.mfa.enableMfaDevice(c.params.required('UserName'), serialParam(c), codeParam(c, 'AuthenticationCode1'), codeParam(c, 'AuthenticationCode2'));
      return null;
    },
  },
  ResyncMFADevice: {
    resource: userArn,
    run: async (c) => {
      await c.store.mfa.resyncMfaDevice(c.params.required('UserName'), serialParam(c), codeParam(c, 'AuthenticationCode1'), codeParam(c, 'AuthenticationCode2'));
      return null;
    },
  },
  DeactivateMFADevice: {
    resource: selfArn,
    run: async (c) => {
      await c.store.mfa.deactivateMfaDevice(userNameOrCaller(c), serialParam(c));
      return null;
    },
  },
  DeleteVirtualMFADevice: {
    resource: async (c) => serialParam(c),
    run: async (c) => {
      await c.store.mfa.deleteVirtualMfaDevice(serialParam(c));
      return null;
    },
  },
  ListMFADevices: {
    resource: selfArn,
    run: async (c) => {
      const name = userNameOrCaller(c);
      const devices = await c.store.mfa.listMfaDevices(name);
      return members('MFADevices', devices.map((d) => el('UserName', d.userName) + el('SerialNumber', d.serialNumber) + el('EnableDate', d.enableDate))) + el('IsTruncated', false);
    },
  },
  ListVirtualMFADevices: {
    resource: async (c) => arnOf(c.accountId, 'user', '/', '*').replace(':user/*', ':mfa/*'),
    run: async (c) => {
      const status = c.params.optional('AssignmentStatus') ?? 'Any';
      if (status !== 'Assigned' && status !== 'Unassigned' && status !== 'Any') {
        throw new CofferError('iam.validation', { message: "1 validation error detected: Value at 'assignmentStatus' failed to satisfy constraint: Member must satisfy enum value set: [Unassigned, Any, Assigned]" });
      }
      const page = await c.store.mfa.listVirtualMfaDevices({ assignment: status as MfaAssignment, marker: c.params.optional('Marker'), maxItems: c.params.int('MaxItems') });
      const items: string[] = [];
      for (const d of page.items) items.push(await virtualDeviceXml(c, d));
      return members('VirtualMFADevices', items) + paging(page);
    },
  },
};
