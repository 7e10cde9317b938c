// A page that only says one thing: an error, or why something is not available.
import { html } from './html.ts';
import type { SafeHtml } from './html.ts';
import { layout } from './layout.ts';
import type { AdminNav, SiteView } from './layout.ts';

export interface MessageView {
  site: SiteView;
  nowMs: number;
  title: string;
  message: string;
  nav?: AdminNav | undefined;
}

export function messagePage(v: MessageView): SafeHtml {
  return layout(
    { title: v.title, site: v.site, nowMs: v.nowMs, admin: v.nav },
    html`<h1>${v.title}</h1>
      <p>${v.message}</p>
      <p><a href="/">Home</a></p>`,
  );
}
