import assert from 'node:assert/strict';
import { test } from 'node:test';
import { claimErrorJson, CLAIM_ERRORS, EXIT } from './errors.ts';
import { agentFrame, parseFrame } from './link-frames.ts';
import { normalisePin } from './pin.ts';

test('claim errors are compact JSON with the documented keys and exit codes', () => {
  assert.equal(
    claimErrorJson('ErrForbidden', 'no'),
    '{"errorCode":"ErrForbidden","errorMsgKey":"ErrForbidden","errorMessage":"no","errorNonRetryable":true}',
  );
  assert.equal(CLAIM_ERRORS.ErrInvalidNodeID.exit, 8);
  assert.equal(CLAIM_ERRORS.ErrAlreadyClaimed.status, 409);
  assert.equal(CLAIM_ERRORS.ErrGatewayTimeout.exit, EXIT.GATEWAY_TIMEOUT);
});

test('pins are accepted with or without the sha256: prefix and colons', () => {
  const hex = 'ab'.repeat(32);
  assert.equal(normalisePin(`sha256:${hex}`), hex);
  assert.equal(normalisePin(hex.toUpperCase()), hex);
  assert.equal(normalisePin(hex.match(/../g)!.join(':')), hex);
  assert.equal(normalisePin('sha256:abc'), null);
});

test('frames: unknown types and bad JSON are reported, not thrown', () => {
  assert.deepEqual(parseFrame(agentFrame, '{"t":"heartbeat"}'), { ok: true, frame: { t: 'heartbeat' } });
  assert.equal(parseFrame(agentFrame, 'nope').ok, false);
  const r = parseFrame(agentFrame, '{"t":"bogus"}');
  assert.equal(r.ok, false);
});
