// /voting: one select per agenda of the pool's vote version, preset to the user's choice, with
// the agenda's status and the network's votes so far from dcrd's getvoteinfo.
import type { Agenda } from '../../../vsp/agendas.ts';
import { percent } from '../format.ts';
import { html } from '../html.ts';
import type { SafeHtml } from '../html.ts';
import type { VoteInfo } from '../../routes/pool/vote-info.ts';
import { poolLayout } from './layout.ts';
import type { PoolPageView } from './layout.ts';

export interface VotingView extends Omit<PoolPageView, 'title' | 'current'> {
  csrf: string;
  voteVersion: number;
  agendas: readonly Agenda[];
  /** Agenda id → the user's current choice id. */
  choices: Readonly<Record<string, string>>;
  voteBits: number;
  /** Undefined when dcrd did not answer. */
  voteInfo: VoteInfo | undefined;
  /** The user's stored bits were for another vote version (so they vote the defaults). */
  staleVersion: number | undefined;
}

const STATUS_LABELS: Record<string, string> = {
  defined: 'Upcoming: voting has not started',
  started: 'Voting in progress',
  lockedin: 'Locked in: activates soon',
  active: 'Active: passed and in force',
  failed: 'Failed: rejected or expired',
};

/** What the page says about a dcrd agenda status; dcrd's own word for one it does not know. */
export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? (status === '' ? 'Unknown' : status);
}

/** The form field of an agenda's select. */
export function agendaField(agendaId: string): string {
  return `agenda-${agendaId}`;
}

function agendaBlock(v: VotingView, a: Agenda): SafeHtml {
  const info = v.voteInfo?.agendas.get(a.id);
  const current = v.choices[a.id] ?? 'abstain';
  const field = agendaField(a.id);
  return html`<fieldset class="agenda">
    <legend><code>${a.id}</code></legend>
    ${info !== undefined && info.description !== '' && html`<p>${info.description}</p>`}
    <p>
      Status:
      <strong
        >${info === undefined ? 'unknown (the pool node did not answer)' : statusLabel(info.status)}</strong
      >
      ${
        info !== undefined &&
        info.status === 'started' &&
        html` · quorum ${percent(Math.min(info.quorumProgress, 1))} reached`
      }
    </p>
    <label for="${field}">Your vote</label>
    <select id="${field}" name="${field}">
      ${a.choices.map((c) => {
        const ci = info?.choices.get(c.id);
        const label =
          ci !== undefined && ci.description !== '' ? `${c.id}: ${ci.description}` : c.id;
        return html`<option value="${c.id}" ${c.id === current ? html`selected` : ''}>
          ${label}
        </option>`;
      })}
    </select>
    ${
      info !== undefined &&
      info.choices.size > 0 &&
      html`<p class="hint">
        Network votes so far:
        ${a.choices
          .filter((c) => !c.isAbstain)
          .map((c) => {
            const ci = info.choices.get(c.id);
            return html`${c.id} ${ci === undefined ? '—' : percent(ci.progress)} `;
          })}
      </p>`
    }
  </fieldset>`;
}

export function votingPage(v: VotingView): SafeHtml {
  const body = html`<h1>Voting preferences (v${v.voteVersion})</h1>
    <p>
      Choose how the pool votes your tickets on each consensus agenda of vote version
      ${v.voteVersion}. The agendas are explained at
      <a href="https://voting.decred.org/" rel="noopener noreferrer">voting.decred.org</a>.
    </p>
    ${
      v.staleVersion !== undefined &&
      html`<p class="notice">
        Your preferences were set for vote version ${v.staleVersion}; the pool now votes version
        ${v.voteVersion}, so your tickets vote the defaults until you choose again.
      </p>`
    }
    ${
      v.agendas.length === 0
        ? html`<p>There are no agendas to vote on in vote version ${v.voteVersion}.</p>`
        : html`<form method="post" action="/voting" class="account-form">
            <input type="hidden" name="csrf" value="${v.csrf}" />
            ${v.agendas.map((a) => agendaBlock(v, a))}
            <button type="submit">Save preferences</button>
          </form>`
    }
    <p class="hint">Vote bits: <code>${v.voteBits}</code></p>`;
  return poolLayout({ ...v, title: 'Voting', current: 'voting' }, body);
}
