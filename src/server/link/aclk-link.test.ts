import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { NodeInfoSchema } from '../../protocol/aclk/aclk_pb.ts';
import { factsFromNodeInfo, nodeInstanceId } from './aclk-link.ts';

test('node info becomes facts: "unknown" is no fact, labels and lengths are clipped, memory is bytes', () => {
  const labels = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'v'.repeat(1000)]));
  const facts = factsFromNodeInfo(
    create(NodeInfoSchema, {
      name: 'web-1',
      os: 'linux',
      osName: 'unknown',
      osVersion: 'unknown',
      kernelName: 'Linux',
      kernelVersion: '6.1.0',
      architecture: 'x86_64',
      cpus: 8,
      memory: '8227012608',
      hostLabels: labels,
    }),
  );
  assert.ok(facts);
  assert.equal(facts.os, 'linux');
  assert.equal(facts.os_version, undefined);
  assert.equal(facts.kernel, 'Linux 6.1.0');
  assert.equal(facts.memory_bytes, 8227012608);
  assert.equal(Object.keys(facts.labels).length, 64);
  assert.ok(Object.values(facts.labels).every((v) => v.length === 500));
  assert.equal(factsFromNodeInfo(create(NodeInfoSchema, { memory: 'lots' }))?.memory_bytes, 0);
});

test("the agent's own machine is the node; a streamed child gets a stable id of its own", () => {
  const node = '1824b6ca-ec97-482e-ab2c-d98b1eeeba01';
  assert.equal(nodeInstanceId(node, 'own', 'own', 0), node);
  assert.equal(nodeInstanceId(node, null, 'whatever', 0), node);
  const child = nodeInstanceId(node, 'own', 'child-guid', 1);
  assert.match(child, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(nodeInstanceId(node, 'own', 'child-guid', 1), child);
  assert.notEqual(nodeInstanceId(node, 'own', 'other-child', 1), child);
});
