// carrier.js — the network operator of a Vietnamese mobile number from its three-digit prefix
// (the table of reference/carrier.go; a Go test keeps the two equal), so that outcomes can be
// attributed to the carrier that carries a citizen's OTP.
export const PREFIXES = {
  '086': 'Viettel', '096': 'Viettel', '097': 'Viettel', '098': 'Viettel', '032': 'Viettel', '033': 'Viettel',
  '034': 'Viettel', '035': 'Viettel', '036': 'Viettel', '037': 'Viettel', '038': 'Viettel', '039': 'Viettel',
  '089': 'MobiFone', '090': 'MobiFone', '093': 'MobiFone', '070': 'MobiFone', '076': 'MobiFone', '077': 'MobiFone',
  '078': 'MobiFone', '079': 'MobiFone',
  '088': 'VinaPhone', '091': 'VinaPhone', '094': 'VinaPhone', '081': 'VinaPhone', '082': 'VinaPhone', '083': 'VinaPhone',
  '084': 'VinaPhone', '085': 'VinaPhone',
  '092': 'Vietnamobile', '056': 'Vietnamobile', '058': 'Vietnamobile', '052': 'Vietnamobile',
  '099': 'Gmobile', '059': 'Gmobile',
  '087': 'Itelecom',
  '055': 'Reddi',
};

// carrierOf returns the carrier of a 10-digit number, or 'unknown'.
export function carrierOf(phone) {
  if (!phone || !/^[0-9]{10}$/.test(phone)) return 'unknown';
  return PREFIXES[phone.slice(0, 3)] || 'unknown';
}

// otpCarrier is the carrier of the phone a citizen's OTPs go to: the account's phone when
// there is an account, else the SIM in hand; 'none' without either.
export function otpCarrier(c) {
  const phone = (c.account && c.account.phone) || (c.sim && c.sim.phone) || '';
  return phone ? carrierOf(phone) : 'none';
}
