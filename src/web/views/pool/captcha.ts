// The captcha block: the image, a field for its digits, and a button for another image. It posts
// to /verifyhuman, which sends the browser back to the page it came from (`returnTo`).
import { CAPTCHA_HEIGHT, CAPTCHA_WIDTH } from '../../../pool/captcha.ts';
import { html } from '../html.ts';
import type { SafeHtml } from '../html.ts';

export interface CaptchaView {
  csrf: string;
  /** Changes with every new set of digits, so the browser does not show a cached image. */
  serial: number;
  returnTo: string;
  /** What solving it unlocks ("Prove you are human to register"). */
  purpose: string;
}

export function captchaBlock(v: CaptchaView): SafeHtml {
  return html`<div class="captcha">
    <p>${v.purpose}</p>
    <img
      src="/captcha.svg?v=${v.serial}"
      width="${CAPTCHA_WIDTH}"
      height="${CAPTCHA_HEIGHT}"
      alt="Six digits to type into the field below"
    />
    <form method="post" action="/verifyhuman" autocomplete="off">
      <input type="hidden" name="csrf" value="${v.csrf}" />
      <input type="hidden" name="return" value="${v.returnTo}" />
      <label for="captchaSolution">Digits in the picture</label>
      <input
        type="text"
        id="captchaSolution"
        name="captchaSolution"
        inputmode="numeric"
        maxlength="12"
        required
      />
      <button type="submit">Continue</button>
      <button type="submit" name="reload" value="1" formnovalidate>New image</button>
    </form>
  </div>`;
}
