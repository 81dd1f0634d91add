/**
 * Decision-time benchmark (issue: ≤ 20 µs median with 10 attached policies of 10 statements).
 * Run: `node --import tsx src/iam/policy/benchmark.ts [--quick]`; prints a Markdown table.
 * Policies mix wildcard actions, ARN patterns with ${aws:username}, Bool/IpAddress/StringLike
 * conditions and one Deny per policy; the request context is a full S3 one.
 */
import { pathToFileURL } from 'node:url';
import { evaluate } from './evaluate.js';
import { parsePolicy } from './parse-policy.js';
import { globalConditionKeys, s3ConditionKeys } from './request-keys.js';
import type { CompiledPolicy, PrincipalInfo, RequestContext } from './types.js';

export interface DecisionBenchResult {
  decision: string;
  medianMicros: number;
  p90Micros: number;
  cpuMicrosPerDecision: number;
}

export function benchDecision(rounds = 400): DecisionBenchResult {
  const policies: CompiledPolicy[] = [];
  for (let i = 0; i < 10; i++) {
    const statements = [];
    for (let j = 0; j < 10; j++) {
      statements.push({
        Sid: `S${j}`,
        Effect: j === 9 ? 'Deny' : 'Allow',
        Action: ['s3:Get*', `s3:List${j}*`],
        Resource: [`arn:aws:s3:::bucket${i}/team-${j}/*`, 'arn:aws:s3:::home/${aws:username}/*'],
        Condition: j % 3 === 0 ? { Bool: { 'aws:SecureTransport': 'true' }, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } : { StringLike: { 's3:prefix': 'x/*' } },
      });
    }
    policies.push(parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }), { id: `p${i}`, kind: 'identity' }));
  }
  const principal: PrincipalInfo = { type: 'User', accountId: '123456789012', arn: 'arn:aws:iam::123456789012:user/alice' };
  const keys = {
    ...globalConditionKeys({ principal, userName: 'alice', userId: 'AIDAEXAMPLEEXAMPLE12', secureTransport: true, sourceIp: '10.1.2.3', nowMs: Date.now(), region: 'us-east-1' }),
    ...s3ConditionKeys({ query: new URLSearchParams(), header: () => undefined, authMethod: 'header', action: 's3:GetObject' }),
  };
  const ctx: RequestContext = { action: 's3:GetObject', resource: 'arn:aws:s3:::bucket5/team-3/file.txt', principal, keys };
  const set = { identity: policies };
  for (let i = 0; i < 20_000; i++) evaluate(set, ctx);
  const perRound = 100;
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let r = 0; r < rounds; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) evaluate(set, ctx);
    times.push(Number(process.hrtime.bigint() - t) / perRound / 1000);
  }
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  return {
    decision: evaluate(set, ctx).decision,
    medianMicros: times[Math.floor(times.length / 2)] as number,
    p90Micros: times[Math.floor(times.length * 0.9)] as number,
    cpuMicrosPerDecision: (cpu.user + cpu.system) / (rounds * perRound),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = benchDecision(process.argv.includes('--quick') ? 100 : 400);
  const goal = 20;
  console.log('| case | decision | median µs | goal | p90 µs | CPU µs/decision |');
  console.log('|---|---|---|---|---|---|');
  console.log(
    `| 10 policies × 10 statements, S3 GetObject | ${r.decision} | ${r.medianMicros.toFixed(2)} | ≤ ${goal} µs median (${r.medianMicros <= goal ? 'met' : 'missed'}) | ${r.p90Micros.toFixed(2)} | ${r.cpuMicrosPerDecision.toFixed(2)} |`,
  );
}
