// The view layer's escaping rule and the formatting helpers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bytes, dateTime, feePercent, percent, timeAgo } from '../../../src/web/views/format.ts';
import { escapeHtml, html, isSafeHtml, join, trustedHtml } from '../../../src/web/views/html.ts';
import type { HtmlValue } from '../../../src/web/views/html.ts';

describe('html template', () => {
  it('escapes every interpolated string', () => {
    const evil = `<script>alert("1")</script> & 'x'`;
    assert.equal(
      html`<p title="${evil}">${evil}</p>`.value,
      '<p title="&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt; &amp; &#39;x&#39;">' +
        '&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt; &amp; &#39;x&#39;</p>',
    );
  });

  it('does not escape nested templates twice, and escapes inside them', () => {
    const inner = html`<b>${'<i>'}</b>`;
    assert.equal(html`<p>${inner}</p>`.value, '<p><b>&lt;i&gt;</b></p>');
  });

  it('renders numbers, bigints and arrays; nothing for null, undefined and false', () => {
    const items: HtmlValue[] = [1, 2n, '<', html`<br />`, null, undefined, false, true];
    assert.equal(html`${items}`.value, '12&lt;<br />true');
    assert.equal(html`a${null}b${undefined}c${false}d`.value, 'abcd');
  });

  it('refuses plain objects instead of printing [object Object]', () => {
    const obj = { toString: () => '<b>' } as unknown as HtmlValue;
    assert.throws(() => html`${obj}`, TypeError);
  });

  it('a string shaped like SafeHtml is still escaped', () => {
    const fake = { value: '<script>', toString: () => '<script>' } as unknown as HtmlValue;
    assert.throws(() => html`${fake}`, TypeError);
    assert.equal(isSafeHtml(fake), false);
  });

  it('passes trusted markup through and joins with an escaped separator', () => {
    assert.equal(html`${trustedHtml('<hr>')}`.value, '<hr>');
    assert.equal(join(['<a>', html`<b></b>`], ' & ').value, '&lt;a&gt; &amp; <b></b>');
  });

  it('never lets a string introduce a tag or leave an attribute', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = html`<a title="${s}">${s}</a>`.value;
        const inner = out.slice('<a title="'.length, -'</a>'.length);
        assert.ok(!/[<>']/.test(inner.replace('">', '')));
        assert.equal(out.split('"').length, 3);
        assert.equal(escapeHtml(s).includes('<'), false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('format', () => {
  it('formats shares, fees, times and sizes', () => {
    assert.equal(percent(0.123456), '12.35%');
    assert.equal(percent(Number.NaN), '—');
    assert.equal(feePercent(2), '2%');
    assert.equal(feePercent(0.5), '0.5%');
    assert.equal(dateTime(1_767_225_600), '2026-01-01 00:00:00 UTC');
    assert.equal(timeAgo(0, 2000), 'just now');
    assert.equal(timeAgo(0, 61_000), '1 minute ago');
    assert.equal(timeAgo(0, 7_200_000), '2 hours ago');
    assert.equal(bytes(512), '512 bytes');
    assert.equal(bytes(1536), '1.5 KiB');
  });
});
