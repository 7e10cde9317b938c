import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CAPTCHA_HEIGHT,
  CAPTCHA_WIDTH,
  captchaMatches,
  newCaptchaDigits,
  renderCaptchaSvg,
} from '../../src/pool/captcha.ts';

/**
 * A small XML well-formedness check for the subset the captcha uses: elements, attributes in
 * double quotes, no text content, every tag closed in order. Returns the element names in order.
 */
function parseXml(xml: string): string[] {
  const names: string[] = [];
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<&]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < xml.length) {
    tag.lastIndex = i;
    const m = tag.exec(xml);
    if (m === null) throw new Error(`not well-formed at ${i}: ${xml.slice(i, i + 40)}`);
    const [all, close, name, attrs, selfClose] = m as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    if (close) {
      if (attrs || selfClose) throw new Error(`bad end tag ${all}`);
      if (stack.pop() !== name) throw new Error(`mismatched </${name}>`);
    } else {
      const seen = new Set<string>();
      for (const a of attrs.matchAll(/([\w:-]+)=/g)) {
        if (seen.has(a[1]!)) throw new Error(`duplicate attribute ${a[1]} in ${all}`);
        seen.add(a[1]!);
      }
      names.push(name);
      if (!selfClose) stack.push(name);
      if (stack.length === 0 && names.length > 1 && !selfClose) throw new Error('second root');
    }
    i += all.length;
    if (stack.length === 0 && i < xml.length) throw new Error('content after the root element');
  }
  if (stack.length !== 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
  return names;
}

describe('newCaptchaDigits', () => {
  it('gives six decimal digits, varying', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const d = newCaptchaDigits();
      assert.match(d, /^\d{6}$/);
      seen.add(d);
    }
    assert.ok(seen.size > 40, `only ${seen.size} distinct of 50`);
  });
});

describe('captchaMatches', () => {
  it('accepts the digits, with spaces or commas anywhere', () => {
    for (const a of ['031337', ' 031337 ', '031 337', '0 3 1 3 3 7', '031,337', '\t031337\n']) {
      assert.equal(captchaMatches('031337', a), true, JSON.stringify(a));
    }
  });

  it('refuses anything else', () => {
    for (const a of [
      '031338',
      '31337',
      '0313370',
      '',
      '  ',
      '031337x',
      '０３１３３７',
      '031-337',
    ]) {
      assert.equal(captchaMatches('031337', a), false, JSON.stringify(a));
    }
    assert.equal(captchaMatches('', ''), false);
    assert.equal(captchaMatches('031337', undefined as unknown as string), false);
    assert.equal(captchaMatches(undefined as unknown as string, '031337'), false);
  });
});

describe('renderCaptchaSvg', () => {
  const ALL = ['012345', '678901', '999999', '000000', '483920'];

  it('is a well-formed 257×127 SVG of paths, without text elements', () => {
    for (const digits of ALL) {
      const svg = renderCaptchaSvg(digits, 'seed');
      const names = parseXml(svg);
      assert.equal(names[0], 'svg');
      assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" /);
      assert.ok(svg.includes(`width="${CAPTCHA_WIDTH}" height="${CAPTCHA_HEIGHT}"`));
      assert.deepEqual(
        [...new Set(names)].sort(),
        ['circle', 'g', 'path', 'rect', 'svg'],
        'only shapes',
      );
      // One stroked path per digit plus noise curves.
      assert.ok(names.filter((n) => n === 'path').length >= digits.length + 3);
      assert.doesNotMatch(svg, /NaN|Infinity|undefined/);
    }
  });

  it('never carries the digits as text', () => {
    for (let i = 0; i < 40; i++) {
      const digits = newCaptchaDigits();
      const svg = renderCaptchaSvg(digits);
      assert.doesNotMatch(svg, /<text|<tspan|<title|<desc|font/i);
      assert.ok(!svg.includes(digits));
      // No number in the markup (beyond the namespace URI) has four digits in a row.
      assert.doesNotMatch(svg.replace('http://www.w3.org/2000/svg', ''), /\d{4}/);
    }
  });

  it('is deterministic for the same digits and seed, and differs otherwise', () => {
    const a = renderCaptchaSvg('123456', 'seed-1');
    assert.equal(renderCaptchaSvg('123456', 'seed-1'), a);
    assert.equal(renderCaptchaSvg('123456', new TextEncoder().encode('seed-1')), a);
    assert.notEqual(renderCaptchaSvg('123456', 'seed-2'), a);
    assert.notEqual(renderCaptchaSvg('123457', 'seed-1'), a);
    assert.notEqual(renderCaptchaSvg('123456'), renderCaptchaSvg('123456'));
  });

  it('draws each digit differently (glyphs are distinct shapes)', () => {
    // With one seed, the first path of "d00000" differs for every d.
    const firstPaths = new Set(
      [...'0123456789'].map(
        (d) => /<path d="([^"]+)"/.exec(renderCaptchaSvg(`${d}00000`, 's'))![1],
      ),
    );
    assert.equal(firstPaths.size, 10);
  });

  it('refuses what is not digits', () => {
    for (const bad of ['', '12a456', '<svg>', '123456789', ' 123456']) {
      assert.throws(() => renderCaptchaSvg(bad), TypeError);
    }
  });
});
