// The citizen's browser side of a login, in plain HTTP: a cookie jar, manual redirects, the
// provider's login form and the OTP read from the simulated handset's inbox (/sim/, with the
// operator token). It stops where the provider sends the browser to the relying party and
// returns that URL (the callback with code and state, or with an error).

/** A browser: cookies by name for the provider's origin, redirects followed by hand. */
export class Browser {
  constructor(origin) {
    this.origin = new URL(origin).origin;
    this.cookies = new Map();
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  keep(res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const gone = attrs.some((a) => /^\s*max-age\s*=\s*(0|-\d+)\s*$/i.test(a)) || value === '';
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** One request without following redirects; cookies go only to the provider's origin. */
  async request(url, { method = 'GET', form, headers = {} } = {}) {
    const u = new URL(url, this.origin);
    const h = { ...headers };
    if (u.origin === this.origin && this.cookies.size) h.cookie = this.cookieHeader();
    let body;
    if (form) {
      body = new URLSearchParams(form).toString();
      h['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(u, { method, headers: h, body, redirect: 'manual' });
    if (u.origin === this.origin) this.keep(res);
    const text = await res.text();
    const location = res.headers.get('location');
    return { status: res.status, headers: res.headers, text, url: u, location: location && new URL(location, u) };
  }

  /**
   * Follows redirects on the provider's origin from url; returns the last page there, or
   * { leftFor } when the provider sent the browser to another origin (the relying party).
   */
  async follow(url, opts) {
    let page = await this.request(url, opts);
    for (let n = 0; n < 10 && page.location; n++) {
      if (page.location.origin !== this.origin) return { ...page, leftFor: page.location };
      page = await this.request(page.location);
    }
    return page;
  }
}

/** The authorization request id in a login page. */
export function formID(page) {
  const m = /name="id" value="([^"]+)"/.exec(page.text);
  if (!m) throw new Error(`no login form (status ${page.status}): ${page.text.slice(0, 300)}`);
  return m[1];
}

/** The inbox reader of the simulated world: the next OTP delivered to a phone. */
export class Inbox {
  constructor(base, operatorToken) {
    this.base = base;
    this.token = operatorToken;
    this.after = new Map();
  }

  /** Moves the cursor of phone past every message delivered so far. */
  async skipOld(phone) {
    const msgs = await this.read(phone, 0);
    if (msgs.length) this.after.set(phone, msgs[msgs.length - 1].id);
  }

  async read(phone, wait) {
    const after = this.after.get(phone) ?? 0;
    const res = await fetch(`${this.base}/sim/handsets/${phone}/messages?after=${after}&wait=${wait}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    if (res.status !== 200) throw new Error(`inbox of ${phone}: ${res.status} ${await res.text()}`);
    const body = await res.json();
    return body.messages ?? body;
  }

  async otp(phone) {
    for (let n = 0; n < 20; n++) {
      const msgs = await this.read(phone, 5);
      for (const m of msgs) {
        this.after.set(phone, m.id);
        if (m.otp) return m.otp;
      }
    }
    throw new Error(`no OTP reached ${phone}`);
  }
}

/**
 * Signs a citizen in from the authorization URL: the login page, the password, the OTP when
 * the provider asks for one (a new browser is a new device). Returns { callback, id,
 * callbackPath, otpAsked } where callback is the URL the provider sent the browser to at the
 * relying party and callbackPath the provider's own callback that minted it.
 */
export async function signIn(browser, inbox, authURL, citizen) {
  const login = await browser.follow(authURL);
  if (login.leftFor) return { callback: login.leftFor, otpAsked: false };
  const id = formID(login);
  await inbox.skipOld(citizen.phone);
  let page = await browser.request('/oidc/login', {
    method: 'POST',
    form: { id, citizen_id: citizen.id, password: citizen.password, action: 'login' },
  });
  let otpAsked = false;
  if (!page.location && /id="otp"/.test(page.text)) {
    otpAsked = true;
    const otp = await inbox.otp(citizen.phone);
    page = await browser.request('/oidc/login/otp', { method: 'POST', form: { id, otp, action: 'verify' } });
  }
  if (!page.location) throw new Error(`the login did not complete (status ${page.status}): ${page.text.slice(0, 300)}`);
  if (page.location.origin !== browser.origin) return { callback: page.location, id, otpAsked };
  const callbackPath = page.location;
  page = await browser.follow(page.location);
  if (!page.leftFor) throw new Error(`the provider did not send the browser back (status ${page.status}): ${page.text.slice(0, 300)}`);
  return { callback: page.leftFor, id, callbackPath, otpAsked };
}
