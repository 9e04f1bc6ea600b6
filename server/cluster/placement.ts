import { Schema, type Connection, type Model } from 'mongoose';
import type { Logger } from '../logger.js';

/** A live node: where its signalling is reached and how loaded it is. */
interface NodeDoc {
  _id: string;
  url: string;
  consumers: number;
  cores: number;
  /** Epoch ms until which the node counts as alive; it renews every third of its lease. */
  leaseUntil: number;
}

/** Which node holds a hearing's live session, until when. */
export interface PlacementDoc {
  _id: string;
  nodeId: string;
  url: string;
  leaseUntil: number;
  placedAt: number;
}

const nodeSchema = new Schema<NodeDoc>({ _id: String, url: String, consumers: Number, cores: Number, leaseUntil: Number }, { versionKey: false });
const placementSchema = new Schema<PlacementDoc>({ _id: String, nodeId: { type: String, index: true }, url: String, leaseUntil: Number, placedAt: Number }, { versionKey: false });

function models(connection: Connection): { nodes: Model<NodeDoc>; placements: Model<PlacementDoc> } {
  return {
    nodes: (connection.models.ClusterNode as Model<NodeDoc> | undefined) ?? connection.model<NodeDoc>('ClusterNode', nodeSchema, 'cluster_nodes'),
    placements: (connection.models.HearingPlacement as Model<PlacementDoc> | undefined) ?? connection.model<PlacementDoc>('HearingPlacement', placementSchema, 'hearing_placements'),
  };
}

const loadOf = (n: NodeDoc) => n.consumers / Math.max(1, n.cores);

const isDuplicateKey = (err: unknown) => (err as { code?: unknown }).code === 11000;

export interface PlacementDeps {
  connection: Connection;
  nodeId: string;
  /** This node's signalling URL, known once it listens. */
  url: () => string;
  leaseMs: number;
  cores: number;
  consumers: () => number;
  logger: Logger;
  now?: () => number;
}

/**
 * Each hearing's live session runs on one node. The placement is a document per hearing in
 * MongoDB with a lease its node renews; another node may take it over only once the lease has
 * run out. Every change is one conditional single-document write (insert of a new `_id`, or
 * findOneAndUpdate on an expired lease), because FerretDB has neither transactions nor change
 * streams: whoever's write matches owns the hearing, the others read the winner.
 */
export class HearingPlacement {
  private readonly nodes: Model<NodeDoc>;
  private readonly placements: Model<PlacementDoc>;
  private timer?: NodeJS.Timeout;
  private renewing?: Promise<void>;
  private readonly now: () => number;

  constructor(private readonly deps: PlacementDeps) {
    ({ nodes: this.nodes, placements: this.placements } = models(deps.connection));
    this.now = deps.now ?? Date.now;
  }

  get nodeId(): string {
    return this.deps.nodeId;
  }

  /** Announce this node and keep renewing its lease and its hearings' leases. */
  async start(): Promise<void> {
    await this.renew();
    this.timer = setInterval(() => {
      this.renewing ??= this.renew()
        .catch((err: unknown) => this.deps.logger.warn({ err }, 'could not renew this node\'s lease'))
        .finally(() => (this.renewing = undefined));
    }, Math.max(200, Math.floor(this.deps.leaseMs / 3)));
    this.timer.unref();
  }

  /** Graceful stop: leave the live nodes and let this node's hearings move at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
    await this.nodes.deleteOne({ _id: this.deps.nodeId }).exec();
    await this.placements.updateMany({ nodeId: this.deps.nodeId }, { $set: { leaseUntil: 0 } }).exec();
  }

  private async renew(): Promise<void> {
    const until = this.now() + this.deps.leaseMs;
    await this.nodes
      .updateOne({ _id: this.deps.nodeId }, { $set: { url: this.deps.url(), consumers: this.deps.consumers(), cores: this.deps.cores, leaseUntil: until } }, { upsert: true })
      .exec();
    await this.placements.updateMany({ nodeId: this.deps.nodeId }, { $set: { leaseUntil: until } }).exec();
  }

  /** The node of a hearing: where it is if its node lives, else placed now on the least loaded live node. */
  async place(hearingId: string): Promise<PlacementDoc> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const now = this.now();
      const current = await this.placements.findById(hearingId).lean<PlacementDoc>().exec();
      if (current && current.leaseUntil > now) return current;
      const target = await this.leastLoaded(now);
      const next = { nodeId: target._id, url: target.url, leaseUntil: now + this.deps.leaseMs, placedAt: now };
      if (!current) {
        try {
          await this.placements.create({ _id: hearingId, ...next });
          return { _id: hearingId, ...next };
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          continue; // placed by another node meanwhile: read it
        }
      }
      // Only an expired lease is replaced; of two nodes re-placing at once, one write matches.
      const moved = await this.placements
        .findOneAndUpdate({ _id: hearingId, nodeId: current.nodeId, leaseUntil: current.leaseUntil }, { $set: next }, { returnDocument: 'after' })
        .lean<PlacementDoc>()
        .exec();
      if (moved) {
        this.deps.logger.warn({ hearing: hearingId, from: current.nodeId, to: next.nodeId }, 'hearing re-placed: its node stopped renewing');
        return moved;
      }
    }
    throw new Error(`hearing ${hearingId} could not be placed`);
  }

  /** Whether this node holds the hearing now (the signalling refuses hearings placed elsewhere). */
  async holds(hearingId: string): Promise<boolean> {
    const p = await this.place(hearingId);
    return p.nodeId === this.deps.nodeId;
  }

  /**
   * Where to watch a hearing from (the public gallery, server/gallery/publicGallery.ts): the least
   * loaded live node other than the one holding it, so viewers cost the holder one pipe; the
   * holder itself when it is the only node.
   */
  async galleryNode(hearingId: string): Promise<{ nodeId: string; url: string }> {
    const held = await this.place(hearingId);
    const now = this.now();
    const others = await this.nodes.find({ leaseUntil: { $gt: now }, _id: { $ne: held.nodeId } }).lean<NodeDoc[]>().exec();
    const best = others.sort((a, b) => loadOf(a) - loadOf(b) || a._id.localeCompare(b._id))[0];
    return best ? { nodeId: best._id, url: best.url } : { nodeId: held.nodeId, url: held.url };
  }

  /**
   * Live nodes, least consumers per core first; on a tie the node holding fewer hearings (a
   * node's consumers are reported only at its next renewal, so hearings placed in a burst would
   * otherwise all land on the same node), then by name, so every node picks the same.
   */
  private async leastLoaded(now: number): Promise<NodeDoc> {
    const live = await this.nodes.find({ leaseUntil: { $gt: now } }).lean<NodeDoc[]>().exec();
    const held = new Map<string, number>();
    if (live.length > 1) {
      for (const p of await this.placements.find({ leaseUntil: { $gt: now } }, { nodeId: 1 }).lean<Pick<PlacementDoc, 'nodeId'>[]>().exec()) {
        held.set(p.nodeId, (held.get(p.nodeId) ?? 0) + 1);
      }
    }
    const hearingsOn = (n: NodeDoc) => held.get(n._id) ?? 0;
    const best = live.sort((a, b) => loadOf(a) - loadOf(b) || hearingsOn(a) - hearingsOn(b) || a._id.localeCompare(b._id))[0];
    // This node is alive by definition (it is answering), even if its first renewal is in flight.
    return best ?? { _id: this.deps.nodeId, url: this.deps.url(), consumers: this.deps.consumers(), cores: this.deps.cores, leaseUntil: now + this.deps.leaseMs };
  }
}
