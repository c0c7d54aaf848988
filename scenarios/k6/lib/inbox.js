// inbox.js — a citizen reads OTPs only from the handset in their own hand: the inbox of
// their own SIM (GET /sim/handsets/{phone}/messages). Never from the server's store.
import { get, SIM_STEP } from './api.js';

// cursor returns the ID of the newest message already on the handset, so that waitOTP sees
// only messages that arrive after the flow starts.
export function cursor(phone) {
  if (!phone) return 0;
  const r = get(`/sim/handsets/${phone}/messages`, SIM_STEP.inboxCursor, [200]);
  let last = 0;
  if (r.status === 200 && r.body && r.body.messages) {
    for (const m of r.body.messages) if (m.id > last) last = m.id;
  }
  return last;
}

// waitOTP long-polls the handset for a message carrying an OTP newer than after, for at most
// waitSeconds (and never past the OTP's expiry). It returns the OTP or '' when none came.
// notBefore (ms since the epoch), when given, also skips messages delivered before it: for a
// challenge that came without a cursor taken first.
export function waitOTP(phone, after, waitSeconds, expiresAt, notBefore) {
  if (!phone) return '';
  let deadline = Date.now() + waitSeconds * 1000;
  const exp = expiresAt ? Date.parse(expiresAt) : NaN;
  if (isFinite(exp) && exp < deadline) deadline = exp;
  for (let polls = 0; polls < 20; polls++) {
    const left = (deadline - Date.now()) / 1000;
    if (left <= 0) break;
    const r = get(`/sim/handsets/${phone}/messages?after=${after}&wait=${left.toFixed(1)}`, SIM_STEP.inboxWait, [200], { timeout: `${Math.ceil(left) + 10}s` });
    if (r.status !== 200 || !r.body || !r.body.messages) break;
    for (const m of r.body.messages) {
      if (m.id > after) after = m.id;
      if (m.otp && !(notBefore && Date.parse(m.delivered_at) < notBefore)) return m.otp;
    }
  }
  return '';
}
