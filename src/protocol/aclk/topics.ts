/**
 * The topics of a Netdata agent's link (ACLK). The password answer hands the agent one topic per name it knows,
 * all compulsory; `#{claim_id}` in a topic is replaced by the agent with its claim id (a topic without it is
 * ignored by the agent, so every topic has it).
 */
export const ACLK_TOPIC_NAMES = [
  'chart',
  'alarms',
  'meta',
  'inbox-cmd',
  'agent-connection',
  'inbox-cmd-v1',
  'create-node-instance',
  'node-instance-connection',
  'chart-and-dims-updated',
  'chart-configs-updated',
  'reset-charts',
  'chart-retention-updated',
  'node-instance-info',
  'alarm-log-v2',
  'alarm-checkpoint',
  'alarm-config',
  'alarm-snapshot-v2',
  'node-instance-collectors',
  'contexts-snapshot',
  'contexts-updated',
] as const;
export type AclkTopicName = (typeof ACLK_TOPIC_NAMES)[number];

const CLAIM_ID = '#{claim_id}';

/** Where the agent publishes a message of one topic name. */
export const outboundTopic = (claimId: string, name: string) => `/agent/${claimId}/outbound/v1/${name}`;
/** Where the server publishes to the agent: the message type is the last path segment. */
export const inboundTopic = (claimId: string, messageType: string) =>
  `/agent/${claimId}/inbound/v1/${messageType}`;

/** Where the server sends the agent a query (JSON header, blank line, raw HTTP request). */
export const cmdTopic = (claimId: string) => `/agent/${claimId}/inbound/cmd`;
/** The outbound topic name the server gives as a query's callback topic: the agent publishes its reply there. */
export const QUERY_REPLY_TOPIC = 'query-reply';

/** The topic list of the password answer. */
export function aclkTopics(): { name: AclkTopicName; topic: string }[] {
  return ACLK_TOPIC_NAMES.map((name) => ({
    name,
    topic:
      name === 'inbox-cmd-v1'
        ? `/agent/${CLAIM_ID}/inbound/v1/#`
        : name === 'inbox-cmd'
          ? `/agent/${CLAIM_ID}/inbound/cmd`
          : outboundTopic(CLAIM_ID, name),
  }));
}

/** The topic name of a topic the agent published to, when it is one of this claim id's outbound topics. */
export function topicNameOf(claimId: string, topic: string): string | null {
  const prefix = outboundTopic(claimId, '');
  return topic.startsWith(prefix) ? topic.slice(prefix.length) : null;
}

/** Whether a topic filter the agent subscribes to is one of its own inbound topics. */
export function isInboundFilter(claimId: string, filter: string): boolean {
  return filter.startsWith(`/agent/${claimId}/inbound/`);
}
