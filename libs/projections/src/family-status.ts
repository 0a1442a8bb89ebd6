import { AssignerProtocol, type Admin } from 'kafkajs';
import type { GenerationsDoc } from './generation-registry';
import type { ProjectionFamily } from './projection-family';

export interface PartitionStatus {
  topic: string;
  partition: number;
  /** Next offset the group will read (-1: nothing committed yet). */
  committed: number;
  /** Offset after the partition's last message. */
  end: number;
  lag: number;
  /** Member that owns the partition now, if any. */
  owner?: string;
}

export interface FamilyStatus {
  name: string;
  groupId: string;
  groupState: string;
  members: { memberId: string; clientId: string; host: string; partitions: number }[];
  generations: GenerationsDoc | null;
  partitions: PartitionStatus[];
  totalLag: number;
  parked: number;
}

/** A family's live state for operators: generations, group members, and lag per partition. */
export async function familyStatus(admin: Admin, family: ProjectionFamily): Promise<FamilyStatus> {
  const [described] = (await admin.describeGroups([family.groupId])).groups;
  const owners = new Map<string, string>();
  const members = (described?.members ?? []).map((m) => {
    let partitions = 0;
    try {
      const assignment = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
      for (const [topic, list] of Object.entries(assignment?.assignment ?? {})) {
        for (const p of list) owners.set(`${topic}|${p}`, m.memberId);
        partitions += list.length;
      }
    } catch {
      // an empty or foreign assignment: count it as none
    }
    return { memberId: m.memberId, clientId: m.clientId, host: m.clientHost, partitions };
  });
  const existing = new Set(await admin.listTopics());
  const topics = family.topics.filter((t) => existing.has(t));
  const committed = topics.length ? await admin.fetchOffsets({ groupId: family.groupId, topics }) : [];
  const partitions: PartitionStatus[] = [];
  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topic);
    const group = committed.find((c) => c.topic === topic);
    for (const end of ends) {
      const at = Number(group?.partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
      const high = Number(end.high);
      const low = Number(end.low);
      const owner = owners.get(`${topic}|${end.partition}`);
      partitions.push({ topic, partition: end.partition, committed: at, end: high, lag: Math.max(0, high - (at < 0 ? low : at)), ...(owner ? { owner } : {}) });
    }
  }
  return {
    name: family.name,
    groupId: family.groupId,
    groupState: described?.state ?? 'Unknown',
    members,
    generations: await family.registry.read(family.name),
    partitions,
    totalLag: partitions.reduce((sum, p) => sum + p.lag, 0),
    parked: await family.exceptions.countParked(),
  };
}

export type ResetTarget = 'earliest' | 'latest' | Date;

/**
 * Moves the family's group to the start, the end, or a point in time of its topics. Kafka only
 * allows it while the group has no members, so this refuses with the way out when replicas run.
 */
export async function resetOffsets(admin: Admin, family: ProjectionFamily, to: ResetTarget): Promise<void> {
  const [described] = (await admin.describeGroups([family.groupId])).groups;
  if (described && described.members.length > 0) {
    throw new Error(`${family.groupId} has ${described.members.length} running member(s); scale the ${family.name} replicas to 0 first (the offsets of a live group cannot be moved)`);
  }
  for (const topic of family.topics) {
    if (to === 'earliest' || to === 'latest') {
      // Explicit offsets: kafkajs' resetOffsets commits -1/-2 placeholders, which a consumer
      // subscribed `fromBeginning` would read as "start from the beginning" even for `latest`.
      const offsets = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({ groupId: family.groupId, topic, partitions: offsets.map((o) => ({ partition: o.partition, offset: to === 'earliest' ? o.low : o.high })) });
    } else {
      const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, to.getTime());
      await admin.setOffsets({ groupId: family.groupId, topic, partitions: offsets.map((o) => ({ partition: o.partition, offset: o.offset })) });
    }
  }
}
