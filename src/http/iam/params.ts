/** Reading awsQuery form parameters: required and optional strings, member lists, tags. */
import { CofferError } from '../../shared/index.js';
import type { Tag } from '../../iam/store/index.js';

export class Params {
  constructor(readonly form: URLSearchParams) {}

  optional(name: string): string | undefined {
    const v = this.form.get(name);
    return v === null ? undefined : v;
  }

  required(name: string): string {
    const v = this.form.get(name);
    if (v === null || v === '') {
      const param = name[0]?.toLowerCase() + name.slice(1);
      throw new CofferError('iam.validation', { message: `1 validation error detected: Value null at '${param}' failed to satisfy constraint: Member must not be null` });
    }
    return v;
  }

  bool(name: string): boolean | undefined {
    const v = this.form.get(name);
    if (v === null) return undefined;
    if (v !== 'true' && v !== 'false') throw new CofferError('iam.validation', { message: `${name} must be true or false.` });
    return v === 'true';
  }

  int(name: string): number | undefined {
    const v = this.form.get(name);
    if (v === null) return undefined;
    if (!/^\d{1,9}$/.test(v)) throw new CofferError('iam.validation', { message: `${name} must be a number.` });
    return Number(v);
  }

  /** Name.member.1, Name.member.2, … in order. */
  list(name: string): string[] {
    const out: string[] = [];
    for (let i = 1; ; i++) {
      const v = this.form.get(`${name}.member.${i}`);
      if (v === null) return out;
      out.push(v);
    }
  }

  /** Tags.member.N.Key / .Value */
  tags(name = 'Tags'): Tag[] {
    const out: Tag[] = [];
    for (let i = 1; ; i++) {
      const key = this.form.get(`${name}.member.${i}.Key`);
      if (key === null) return out;
      out.push({ key, value: this.form.get(`${name}.member.${i}.Value`) ?? '' });
    }
  }

  /** Marker / MaxItems / PathPrefix. */
  listing(): { marker?: string; maxItems?: number; pathPrefix?: string } {
    return { marker: this.optional('Marker'), maxItems: this.int('MaxItems'), pathPrefix: this.optional('PathPrefix') };
  }
}
