// dcrd's `getvoteinfo <version>`, read defensively: the /voting page shows each agenda's status
// and vote counts from the pool's own node (dcrstakepool asked dcrdata.org). Anything missing or
// of the wrong type is left out, never guessed.

export interface VoteInfoChoice {
  description: string;
  count: number;
  /** Share of the votes cast, 0–1. */
  progress: number;
}

export interface VoteInfoAgenda {
  description: string;
  /** dcrd's state: defined, started, lockedin, active, failed. */
  status: string;
  /** Share of the quorum reached, 0–1. */
  quorumProgress: number;
  choices: ReadonlyMap<string, VoteInfoChoice>;
}

export interface VoteInfo {
  currentHeight: number;
  startHeight: number;
  endHeight: number;
  quorum: number;
  totalVotes: number;
  agendas: ReadonlyMap<string, VoteInfoAgenda>;
}

const obj = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function parseVoteInfo(raw: unknown): VoteInfo | undefined {
  const r = obj(raw);
  if (r === undefined) return undefined;
  const agendas = new Map<string, VoteInfoAgenda>();
  for (const a of Array.isArray(r['agendas']) ? (r['agendas'] as unknown[]) : []) {
    const ao = obj(a);
    const id = str(ao?.['id']);
    if (ao === undefined || id === '') continue;
    const choices = new Map<string, VoteInfoChoice>();
    for (const c of Array.isArray(ao['choices']) ? (ao['choices'] as unknown[]) : []) {
      const co = obj(c);
      const cid = str(co?.['id']);
      if (co === undefined || cid === '') continue;
      choices.set(cid, {
        description: str(co['description']),
        count: num(co['count']),
        progress: num(co['progress']),
      });
    }
    agendas.set(id, {
      description: str(ao['description']),
      status: str(ao['status']),
      quorumProgress: num(ao['quorumprogress']),
      choices,
    });
  }
  return {
    currentHeight: num(r['currentheight']),
    startHeight: num(r['startheight']),
    endHeight: num(r['endheight']),
    quorum: num(r['quorum']),
    totalVotes: num(r['totalvotes']),
    agendas,
  };
}
