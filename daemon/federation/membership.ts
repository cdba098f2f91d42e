// Who the peers are and how they are: every second this node trades its state with each member it knows
// (Federation.Exchange): reachability, version, capacity and load, each template's warm pool keyed by its
// spec hash, and the members each side knows, so a node that reaches one seed learns the rest. A member
// that has not answered for UNREACHABLE_AFTER_MS is unreachable; one breaker per member (cockatiel) opens
// after a few failed exchanges, so calls to a hung peer fail at once instead of each waiting out a timeout,
// and its half-open probe brings the member back by itself when it answers again.
import { EventEmitter } from 'node:events';
import { lookup, resolveSrv } from 'node:dns/promises';
import * as grpc from '@grpc/grpc-js';
import { ConsecutiveBreaker, CircuitState, circuitBreaker, handleAll, type CircuitBreakerPolicy } from 'cockatiel';
import type { BudgetShare, BudgetShare__Output } from '../../ipc/generated/godel/v1/BudgetShare.js';
import type { ExchangeRequest, ExchangeRequest__Output } from '../../ipc/generated/godel/v1/ExchangeRequest.js';
import type { ExchangeResponse } from '../../ipc/generated/godel/v1/ExchangeResponse.js';
import type { MemberAddress } from '../../ipc/generated/godel/v1/MemberAddress.js';
import type { NodeInfo, NodeInfo__Output } from '../../ipc/generated/godel/v1/NodeInfo.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { PeerLink } from './peer-link.js';
import type { PeerTls } from './tls.js';

const EXCHANGE_INTERVAL_MS = 1000;
/** Longer than the interval: a busy peer (boots on two cores) may take over a second to answer. */
const EXCHANGE_TIMEOUT_MS = 2000;
/** A member that has not answered for this long is unreachable (a hung process, a dead host, a partition). */
export const UNREACHABLE_AFTER_MS = 3000;
const BREAKER_FAILURES = 3;
const BREAKER_HALF_OPEN_AFTER_MS = 2000;
const DNS_INTERVAL_MS = 10_000;
/** A learnt address (not a seed) that has not answered for this long is forgotten. */
const FORGET_AFTER_MS = 10 * 60_000;

export interface Member {
  address: string;
  link: PeerLink;
  /** From its certificate; undefined until a handshake has succeeded. */
  name?: string;
  reachable: boolean;
  lastSeen?: number;
  info?: NodeInfo__Output;
  /** Why it is unreachable or excluded. */
  error: string;
  /** Set when it may not be used at all: a node name used twice, or this node's own name. */
  excluded: boolean;
  breaker: CircuitBreakerPolicy;
  /** The member's store generation last seen, to know when its sandboxes changed. */
  generation: number;
  /** Seeds are never forgotten; learnt addresses are, once they have been silent long enough. */
  seed: boolean;
  addedAt: number;
}

export interface MembershipOptions {
  self: string;
  advertise: string;
  seeds: string[];
  dns: string;
  dnsPort: number;
  tls: PeerTls;
  selfInfo: () => NodeInfo;
  generation: () => number;
  /** Label and swarm budgets, and this node's spend against them, traded on every exchange (daemon/agents/budget-book.ts). */
  budgets?: SharedBudgets;
  log: Logger;
}

export interface SharedBudgets {
  outgoing(): BudgetShare[];
  incoming(node: string, shares: BudgetShare__Output[]): void;
}

/**
 * Emits 'reachable' and 'unreachable' (with the member) when a member comes and goes, and 'changed'
 * (with the member) when its generation moves, so that what is cached of it can be fetched anew.
 */
export class Membership extends EventEmitter {
  private readonly byAddress = new Map<string, Member>();
  private timer: NodeJS.Timeout | undefined;
  private dnsTimer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Map<Member, Promise<void>>();
  private stopped = false;

  constructor(private readonly opts: MembershipOptions) {
    super();
    for (const s of opts.seeds) this.add(s, true);
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), EXCHANGE_INTERVAL_MS);
    this.timer.unref();
    void this.tick();
    if (this.opts.dns) {
      void this.discover();
      this.dnsTimer = setInterval(() => void this.discover(), DNS_INTERVAL_MS);
      this.dnsTimer.unref();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.dnsTimer);
    await Promise.allSettled([...this.inFlight.values()]);
    for (const m of this.byAddress.values()) m.link.close();
    this.removeAllListeners();
  }

  members(): Member[] {
    return [...this.byAddress.values()].sort((a, b) => (a.name ?? a.address).localeCompare(b.name ?? b.address));
  }

  /** The member of that name (a usable one first), or undefined when no such node is known. */
  byName(name: string): Member | undefined {
    const named = this.members().filter((m) => m.name === name && !m.excluded);
    return named.find((m) => this.usable(m)) ?? named[0];
  }

  /** Members that answer now and may be used. */
  reachable(): Member[] {
    return this.members().filter((m) => m.reachable && !m.excluded && m.name);
  }

  /** Names of known members that do not answer now. */
  unreachableNames(): string[] {
    return this.members().filter((m) => !m.reachable && !m.excluded && m.name).map((m) => m.name!);
  }

  /** Whether calls to the member should be tried at all. */
  usable(m: Member): boolean {
    return m.reachable && !m.excluded && m.breaker.state !== CircuitState.Open;
  }

  /** Exchanges with every reachable member now, for decisions that want fresh pool counts (placement). */
  async refreshNow(): Promise<void> {
    await Promise.allSettled(this.reachable().map((m) => this.exchangeWith(m)));
  }

  /** The server side of Exchange: what this node knows, for a peer that has just told what it knows. */
  answer(req: ExchangeRequest__Output, caller: string | undefined): ExchangeResponse {
    const advertised = req.self?.address;
    // A caller that presents this node's own name is added too: the exchange with it finds the clash and keeps it out.
    if (advertised) this.add(advertised);
    this.learn(req.members ?? []);
    // Taken in before answering, so that the answer carries this node's spend in a scope just learnt.
    if (caller && caller !== this.opts.self) this.opts.budgets?.incoming(caller, req.budgets ?? []);
    return { self: this.opts.selfInfo(), members: this.addresses(), generation: this.opts.generation(), budgets: this.opts.budgets?.outgoing() ?? [] };
  }

  /** What this node tells others it knows: itself and the members that answer now (no stale addresses). */
  private addresses(): MemberAddress[] {
    return [{ name: this.opts.self, address: this.opts.advertise },
      ...this.reachable().map((m) => ({ name: m.name!, address: m.address }))];
  }

  private learn(list: MemberAddress[]): void {
    for (const a of list) if (a.address && a.name !== this.opts.self) this.add(a.address);
  }

  private add(address: string, seed = false): Member | undefined {
    if (address === this.opts.advertise || this.stopped) return undefined;
    const known = this.byAddress.get(address);
    if (known) return known;
    const m: Member = {
      address, link: new PeerLink(address, this.opts.tls), reachable: false, error: 'not contacted yet', excluded: false, generation: -1,
      seed, addedAt: Date.now(),
      breaker: circuitBreaker(handleAll, { halfOpenAfter: BREAKER_HALF_OPEN_AFTER_MS, breaker: new ConsecutiveBreaker(BREAKER_FAILURES) }),
    };
    this.byAddress.set(address, m);
    this.opts.log.info({ peer: address }, 'federation: new peer address');
    return m;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const now = Date.now();
    for (const m of this.members()) {
      if (!m.seed && !m.reachable && now - (m.lastSeen ?? m.addedAt) > FORGET_AFTER_MS) this.forget(m, 'silent for 10 minutes');
      // Silence is judged by the clock, not by the exchange in flight failing: that waits out its own timeout.
      if (m.reachable && m.lastSeen && now - m.lastSeen >= UNREACHABLE_AFTER_MS) {
        m.error = `${m.address} has not answered for ${Math.round((now - m.lastSeen) / 1000)} s`;
        this.setReachable(m, false);
      }
    }
    await Promise.allSettled(this.members().map((m) => this.exchangeWith(m)));
  }

  private forget(m: Member, why: string): void {
    if (this.byAddress.get(m.address) !== m) return;
    this.byAddress.delete(m.address);
    m.link.close();
    this.opts.log.info({ peer: m.address, node: m.name, why }, 'federation: forgetting a peer address');
  }

  /** One exchange with a member; concurrent asks for the same member share it. */
  private exchangeWith(m: Member): Promise<void> {
    const running = this.inFlight.get(m);
    if (running) return running;
    const p = this.exchangeOnce(m).finally(() => this.inFlight.delete(m));
    this.inFlight.set(m, p);
    return p;
  }

  private async exchangeOnce(m: Member): Promise<void> {
    const req: ExchangeRequest = { self: this.opts.selfInfo(), members: this.addresses(), generation: this.opts.generation(), budgets: this.opts.budgets?.outgoing() ?? [] };
    try {
      const res = await m.breaker.execute(() => m.link.exchange(req, EXCHANGE_TIMEOUT_MS));
      if (this.stopped) return;
      const name = m.link.certName;
      if (!name) throw new Error('the peer\'s certificate names no node');
      if (res.self && res.self.name !== name) {
        this.opts.log.warn({ peer: m.address, certificate: name, claims: res.self.name }, 'federation: a peer calls itself by another name than its certificate\'s; the certificate\'s is used');
      }
      let clash = name === this.opts.self ? `the peer at ${m.address} presents this node's own name "${name}"` : undefined;
      // Another member by the same name: an old address of the same node (it moved, or was known by two
      // spellings), which is forgotten; or another node by that name, which is a clash.
      for (const o of this.members()) {
        if (clash || o === m || o.name !== name || o.excluded) continue;
        const sameNode = !o.reachable || (!!o.info?.address && o.info.address === res.self?.address);
        if (!sameNode) {
          clash = `node name "${name}" is used by two peers (${o.address} and ${m.address})`;
        } else if (o.reachable && o.address === o.info?.address && m.address !== res.self?.address) {
          this.forget(m, `another address of ${name}, which advertises ${o.address}`);
          return;
        } else {
          this.forget(o, `${name} answers at ${m.address} now`);
        }
      }
      if (clash) {
        if (!m.excluded) this.opts.log.error({ peer: m.address, node: name }, `federation: ${clash}; this address is not used`);
        m.excluded = true;
        m.error = clash;
        m.name = name;
        this.setReachable(m, false);
        return;
      }
      m.excluded = false;
      m.name = name;
      this.opts.budgets?.incoming(name, res.budgets ?? []);
      m.info = res.self ?? undefined;
      m.lastSeen = Date.now();
      m.error = '';
      this.setReachable(m, true);
      this.learn(res.members);
      if (res.generation !== m.generation) {
        m.generation = res.generation;
        this.emit('changed', m);
      }
    } catch (err) {
      if (this.stopped) return;
      m.error = describeFailure(err, m);
      const silentFor = m.lastSeen ? Date.now() - m.lastSeen : Infinity;
      if (silentFor >= UNREACHABLE_AFTER_MS || m.breaker.state === CircuitState.Open) this.setReachable(m, false);
    }
  }

  private setReachable(m: Member, reachable: boolean): void {
    if (m.reachable === reachable) return;
    m.reachable = reachable;
    if (reachable) {
      this.opts.log.info({ peer: m.address, node: m.name }, 'federation: peer reachable');
    } else {
      this.opts.log.warn({ peer: m.address, node: m.name, err: m.error }, 'federation: peer unreachable');
    }
    this.emit(reachable ? 'reachable' : 'unreachable', m);
  }

  /**
   * Peers from DNS: a name whose first label starts with "_" (_godel._tcp.NAME) is read as SRV records;
   * any other name is resolved as the system resolves host names (A/AAAA, /etc/hosts included), each
   * address with federation.dns_port, as a Kubernetes headless Service gives.
   */
  private async discover(): Promise<void> {
    const { dns, dnsPort, log } = this.opts;
    try {
      const addresses = dns.startsWith('_')
        ? (await resolveSrv(dns)).map((r) => `${r.name}:${r.port}`)
        : (await lookup(dns, { all: true })).map((a) => (a.family === 6 ? `[${a.address}]:${dnsPort}` : `${a.address}:${dnsPort}`));
      for (const a of addresses) this.add(a);
    } catch (err) {
      log.warn({ dns, err: errorMessage(err) }, 'federation: cannot look up peers in DNS');
    }
  }
}

function describeFailure(err: unknown, m: Member): string {
  if (m.breaker.state === CircuitState.Open) return `no answer from ${m.address}; calls are refused until it answers again`;
  const e = err as Partial<grpc.ServiceError>;
  if (e.code === grpc.status.DEADLINE_EXCEEDED) return `${m.address} did not answer within ${EXCHANGE_TIMEOUT_MS} ms`;
  return `${m.address}: ${e.details || errorMessage(err)}`;
}
