import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetFindingsCommand, ListFindingsCommand, Macie2Client } from '@aws-sdk/client-macie2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startCoffer } from '../harness.js';
import { macieTestEnv } from './env.js';

describe('discovery on write across a crash', () => {
  it('classifies an object written just before kill -9 after the restart', async () => {
    // A small CPU budget keeps the object queued (or mid-scan) when the process is killed.
    const first = await startCoffer({ env: macieTestEnv({ COFFER_DISCOVERY_CPU_PERCENT: '5' }) });
    let coffer = first;
    try {
      await first.client().send(new CreateBucketCommand({ Bucket: 'late-writes' }));
      const filler = 'The quarterly report lists revenue by region and product line.\n'.repeat(40_000);
      const body = `${filler}card number 4111 1111 1111 1111\n`;
      await first.client().send(new PutObjectCommand({ Bucket: 'late-writes', Key: 'big.txt', Body: body }));
      await first.kill();
      coffer = await first.restart();
      const macie = new Macie2Client({
        endpoint: coffer.endpoint, region: 'us-east-1', credentials: { accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey },
        requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: coffer.ca }) }),
      });
      let ids: string[] = [];
      const deadline = Date.now() + 90_000;
      while (ids.length === 0) {
        assert.ok(Date.now() < deadline, 'the object was never classified after the restart');
        await new Promise((r) => setTimeout(r, 250));
        ids = (await macie.send(new ListFindingsCommand({ findingCriteria: { criterion: { 'resourcesAffected.s3Object.key': { eq: ['big.txt'] } } } }))).findingIds ?? [];
      }
      const f = (await macie.send(new GetFindingsCommand({ findingIds: ids }))).findings![0]!;
      const card = f.classificationDetails?.result?.sensitiveData?.[0]?.detections?.find((d) => d.type?.startsWith('CREDIT_CARD_NUMBER'));
      assert.equal(card?.occurrences?.lineRanges?.[0]?.start, 40_001);
      macie.destroy();
    } finally {
      await coffer.dispose();
    }
  });
});
