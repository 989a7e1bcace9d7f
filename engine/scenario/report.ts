/**
 * A standalone HTML report of a played story: narration, timeline, every transaction with who
 * signed it and in which block, each actor's view, and the check results. One file, inline
 * styles, no scripts and no network access, so it opens offline in any browser.
 */
import { Marked, type Tokens } from 'marked';
import type { ScenarioPlayer } from './player.ts';
import type { ActorView } from './privacy.ts';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

// Narration is Markdown; raw HTML in it is shown as text, never run.
const markdown = new Marked({ renderer: { html: (token: Tokens.HTML | Tokens.Tag) => escapeHtml(token.text) } });

const STYLE = `
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
main{max-width:980px;margin:0 auto;padding:24px}
h1{font-size:28px;margin:0 0 4px}h2{font-size:21px;margin:32px 0 8px}h3{font-size:17px;margin:16px 0 6px}
.card{background:#fff;border:1px solid #d8dde3;border-radius:8px;padding:16px 20px;margin:12px 0}
.meta{color:#4a5561}.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px;word-break:break-all}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e5e8ec;vertical-align:top}
th{color:#4a5561;font-weight:600}
.ok{color:#0a6b2b;font-weight:600}.bad{color:#b3261e;font-weight:600}
.badge{display:inline-block;border-radius:999px;padding:1px 10px;font-size:13px;font-weight:600}
.badge.ok{background:#e3f4e8}.badge.bad{background:#fbe4e2}
ol.timeline{padding-left:20px}.wide{overflow-x:auto}table.matrix{font-size:13px}table.matrix th,table.matrix td{padding:4px 6px}ul.changes{margin:6px 0;padding-left:20px}
`;

/** The "can see" cell of the actor table. */
function seesSummary(view: ActorView): string {
  if (view.visibility === 'public') return 'every transaction in full (public ledger)';
  const { sent, received } = view.privatePayments;
  const paid = [sent > 0 ? `sent ${sent}` : '', received > 0 ? `received ${received}` : ''].filter(Boolean).join(', ');
  const sealed = view.sealed > 0 ? `; ${view.sealed} sealed (sees only the commitment)` : '';
  return `${view.readable} of ${view.transactions.length} transactions in full${sealed}${paid ? `; private payments ${paid}, settled separately` : ''}`;
}

export function scenarioReportHtml(player: ScenarioPlayer): string {
  const { scenario } = player;
  const records = player.history();
  const state = player.state();
  const net = player.net;
  const checks = records.flatMap((r) => r.checks);
  const failed = checks.filter((c) => !c.passed).length;
  const actorName = new Map(scenario.actors.map((a) => [a.id, a.name]));
  const h = escapeHtml;
  const status = (s: string) => `<span class="${s === 'ok' ? 'ok' : 'bad'}">${h(s)}</span>`;

  // What each actor can read of each transaction (privacy.ts): the heart of "who can see what".
  const views = new Map(scenario.actors.map((a) => [a.id, player.viewOf(a.id)]));
  const actors = scenario.actors
    .map((a) => {
      const address = net.addressOf(a.id);
      const credentials = state.credentialsOf(address).map((c) => `${h(c.type)} from ${h(scenario.actors.find((x) => net.addressOf(x.id) === c.issuer)?.name ?? c.issuer)}${c.revoked ? ' (revoked)' : ''}`);
      const signed = records.flatMap((r) => r.transactions).filter((t) => t.by === a.id).length;
      const canSee = seesSummary(views.get(a.id)!);
      return `<tr><td><strong>${h(a.name)}</strong><div class="meta">${h(a.kind)}${a.node !== undefined ? ` · runs node ${a.node}` : ''}${a.about ? ` · ${h(a.about)}` : ''}</div></td><td>${state.balanceOf(address)}</td><td>${credentials.join('<br>') || '—'}</td><td>${signed}</td><td>${h(canSee)}</td><td class="mono">${h(address)}</td></tr>`;
    })
    .join('');

  const visibilityRows = (views.get(scenario.actors[0]!.id)?.transactions ?? [])
    .map((t, i) => {
      const cells = scenario.actors.map((a) => {
        const view = views.get(a.id)!.transactions[i]!;
        return view.readable ? `<td class="ok" title="${h(view.summary)}">reads</td>` : `<td class="bad" title="${h(view.summary)}">sealed</td>`;
      });
      const what = t.private ? `<div class="meta">private · <span class="mono">${h(t.commitment!.slice(0, 8))}…</span></div>` : '';
      return `<tr><td><a href="#step-${t.step}">${t.step}</a></td><td>${h(t.name ?? t.kind)}${what}</td><td>${h(actorName.get(t.signer) ?? t.signer)}</td>${cells.join('')}</tr>`;
    })
    .join('');
  const visibilityTable = `<h2>Who can see each transaction</h2>
<div class="card"><p>${
    player.visibility === 'private'
      ? 'This ledger keeps <strong>private data</strong>: a transaction marked private puts only a commitment (a salted fingerprint) on the ledger, and only its parties can read it. Everyone can see who signed it, and anyone shown the record can check it against the commitment. <strong class="ok">reads</strong>: can read what it says; <strong class="bad">sealed</strong>: sees only its commitment and signer.'
      : 'This ledger is <strong>public</strong>: every node, and so every actor, can read every transaction in full.'
  }</p>${visibilityRows ? `<div class="wide"><table class="matrix"><thead><tr><th>step</th><th>transaction</th><th>signed by</th>${scenario.actors.map((a) => `<th>${h(a.name)}</th>`).join('')}</tr></thead><tbody>${visibilityRows}</tbody></table></div>` : '<p class="meta">No transactions yet.</p>'}</div>`;

  const steps = records
    .map((r) => {
      const txs = r.transactions
        .map((t) => `<tr><td>${h(t.name ?? t.kind)}</td><td>${h(actorName.get(t.by) ?? t.by)}</td><td>${status(t.status)}${t.receipt?.error ? `<div class="meta">${h(t.receipt.error)}</div>` : t.rejection ? `<div class="meta">${h(t.rejection)}</div>` : ''}</td><td>${t.height ?? '—'}</td><td>${t.receipt ? t.receipt.gasUsed : '—'}</td><td>${(t.receipt?.events ?? []).map((e) => h(e.name)).join(', ') || '—'}</td><td class="mono">${h(t.hash.slice(0, 16))}…</td></tr>`)
        .join('');
      const counts = Object.entries(r.trace.counts)
        .map(([type, n]) => `${h(type)} ${n}`)
        .join(' · ');
      return `<section class="card" id="step-${r.index + 1}">
<h3>${r.index + 1}. ${h(r.title)}</h3>
${markdown.parse(r.narration, { async: false }) as string}
${txs ? `<table><thead><tr><th>transaction</th><th>signed by</th><th>status</th><th>block</th><th>gas</th><th>events</th><th>hash</th></tr></thead><tbody>${txs}</tbody></table>` : ''}
${r.changes.length ? `<h4>What changed on the ledger</h4><ul class="changes">${r.changes.map((c) => `<li>${h(c)}</li>`).join('')}</ul>` : ''}
${r.checks.length ? `<h4>Checks</h4><ul class="changes">${r.checks.map((c) => `<li>${c.passed ? '<span class="ok">✓</span>' : '<span class="bad">✗</span>'} ${h(c.check)}${c.passed ? '' : ` — ${h(c.detail)}`}</li>`).join('')}</ul>` : ''}
<p class="meta">At ${(r.timeMs / 1000).toFixed(1)} s of simulated time, height ${r.height}. Consensus trace for this step: events ${r.trace.from}–${r.trace.to - 1}${counts ? ` (${counts})` : ''}.</p>
</section>`;
    })
    .join('\n');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(scenario.title)} — Ledgerlab report</title><style>${STYLE}</style></head>
<body><main>
<h1>${h(scenario.title)}</h1>
<p class="meta">Ledgerlab scenario report · ${h(player.protocol)} · ${scenario.network.nodes} nodes · seed ${player.seed} · ${records.length} of ${scenario.steps.length} steps played</p>
<div class="card"><p>${h(scenario.summary)}</p>${scenario.audience ? `<div class="meta">${markdown.parse(scenario.audience, { async: false }) as string}</div>` : ''}
<p><span class="badge ${failed === 0 ? 'ok' : 'bad'}">${checks.length - failed} checks passed, ${failed} failed</span></p></div>
<h2>Timeline</h2>
<ol class="timeline">${records.map((r) => `<li><a href="#step-${r.index + 1}">${h(r.title)}</a> — ${r.transactions.length} transaction${r.transactions.length === 1 ? '' : 's'}, ${r.checks.filter((c) => c.passed).length}/${r.checks.length} checks</li>`).join('')}</ol>
<h2>Who is who, and what each can see</h2>
<div class="card"><table><thead><tr><th>actor</th><th>balance at the end</th><th>credentials</th><th>transactions signed</th><th>can see</th><th>address</th></tr></thead><tbody>${actors}</tbody></table></div>
${visibilityTable}
<h2>Steps</h2>
${steps}
<h2>Proof</h2>
<div class="card"><p>Every node agreed on this record. Anyone can replay it exactly: <span class="mono">npx ledgerlab scenario run … --protocol ${h(player.protocol)} --seed ${player.seed}</span></p>
<p>State root <span class="mono">${h(state.root)}</span><br>Trace hash <span class="mono">${h(net.trace.hash())}</span> (${net.trace.length} events)</p></div>
</main></body></html>
`;
}
