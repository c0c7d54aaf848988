package synth

import (
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/eidsim/eidsim/generators/population"
)

// Output formats.
const (
	FormatJSONL = "jsonl"
	FormatCSV   = "csv"
)

var (
	handsetNames  = [5]string{population.HandsetSmartphone, population.HandsetSmartphone, population.HandsetFeature, population.HandsetFeature, population.HandsetNone}
	coverageNames = [3]string{population.Coverage4G, population.Coverage2G, population.CoverageNone}
	povertyNames  = [3]string{population.PovertyNone, population.PovertyNearPoor, population.PovertyPoor}
	hexDigits     = "0123456789abcdef"
)

const hex = "0123456789abcdef"

// appendJSONString appends s as a JSON string with correct escaping.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b >= 0x20 && b != '"' && b != '\\' && b < utf8.RuneSelf {
			i++
			continue
		}
		if b >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
				dst = append(dst, s[start:i]...)
				if r == utf8.RuneError {
					dst = append(dst, `\ufffd`...)
				} else {
					dst = append(dst, `\u202`...)
					dst = append(dst, hex[r&0xf])
				}
				i += size
				start = i
				continue
			}
			i += size
			continue
		}
		dst = append(dst, s[start:i]...)
		switch b {
		case '"':
			dst = append(dst, `\"`...)
		case '\\':
			dst = append(dst, `\\`...)
		case '\n':
			dst = append(dst, `\n`...)
		case '\r':
			dst = append(dst, `\r`...)
		case '\t':
			dst = append(dst, `\t`...)
		default:
			dst = append(dst, `\u00`...)
			dst = append(dst, hex[b>>4], hex[b&0xf])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendJSONBytes is appendJSONString for a byte slice (names), without allocating. Names
// are assembled from word lists checked when the names package loads (valid UTF-8, no quotes,
// backslashes or control characters), so only a cheap guard remains here.
func appendJSONBytes(dst []byte, s []byte) []byte {
	for _, b := range s {
		if b < 0x20 || b == '"' || b == '\\' {
			return appendJSONString(dst, string(s))
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

func appendDigits(dst []byte, v int64, width int) []byte {
	var buf [20]byte
	i := len(buf)
	for k := 0; k < width || v > 0; k++ {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, buf[i:]...)
}

// appendFloat appends a non-negative value with at most three decimals, as strconv's
// shortest 'f' format would for such a value ("0.5", "1", "0.125").
func appendFloat(dst []byte, v float64) []byte {
	if v < 0 || v > 1e12 || v != v {
		return strconv.AppendFloat(dst, v, 'f', -1, 64)
	}
	m := int64(math.Round(v * 1000))
	dst = strconv.AppendInt(dst, m/1000, 10)
	frac := m % 1000
	if frac == 0 {
		return dst
	}
	d := [3]byte{byte('0' + frac/100), byte('0' + frac/10%10), byte('0' + frac%10)}
	n := 3
	for d[n-1] == '0' {
		n--
	}
	dst = append(dst, '.')
	return append(dst, d[:n]...)
}

func appendBool(dst []byte, b bool) []byte {
	if b {
		return append(dst, "true"...)
	}
	return append(dst, "false"...)
}

// appendID appends the 12-digit citizen ID.
func (p *Population) appendID(dst []byte, c *citizen) []byte {
	st := &p.st[c.k]
	dst = append(dst, p.codes[st.prov]...)
	sex := "M"
	if st.female {
		sex = "F"
	}
	dst = append(dst, byte('0'+population.CenturySexDigit(sex, st.year)))
	dst = appendDigits(dst, int64(st.year%100), 2)
	return appendDigits(dst, c.serial, 6)
}

func appendDate(dst []byte, day int64) []byte {
	y, m, d := civilFromDays(day)
	dst = appendDigits(dst, int64(y), 4)
	dst = append(dst, '-')
	dst = appendDigits(dst, int64(m), 2)
	dst = append(dst, '-')
	return appendDigits(dst, int64(d), 2)
}

func appendDevice(dst []byte, v uint64) []byte {
	dst = append(dst, "dev-"...)
	for s := 60; s >= 0; s -= 4 {
		dst = append(dst, hexDigits[(v>>uint(s))&0xf])
	}
	return dst
}

func (c *citizen) sex(p *Population) byte {
	if p.st[c.k].female {
		return 'F'
	}
	return 'M'
}

// appendJSON appends citizen c as one JSON line (with the newline).
func (p *Population) appendJSON(dst []byte, c *citizen) []byte {
	m := p.M
	st := &p.st[c.k]
	dst = append(dst, `{"citizen_id":"`...)
	dst = p.appendID(dst, c)
	dst = append(dst, `","full_name":`...)
	dst = appendJSONBytes(dst, c.name)
	dst = append(dst, `,"sex":"`...)
	dst = append(dst, c.sex(p))
	dst = append(dst, `","birth_date":"`...)
	dst = appendDate(dst, c.birthDay)
	dst = append(dst, `","province_code":"`...)
	dst = append(dst, p.codes[st.prov]...)
	dst = append(dst, `","ethnicity":`...)
	dst = appendJSONBytes(dst, m.groupNames[c.group])
	dst = append(dst, `,"handset":"`...)
	dst = append(dst, handsetNames[c.x]...)
	dst = append(dst, `","sim":{"phone":"`...)
	if c.x != xNone {
		dst = m.phones.AppendNumber(dst, c.carrier, c.simNum)
		dst = append(dst, `","owner_registered":`...)
		dst = appendBool(dst, c.x == xSmartOwner || c.x == xFeatureOwner)
		dst = append(dst, `,"carrier":"`...)
		dst = append(dst, m.carriers[c.carrier]...)
		dst = append(dst, `","swaps_per_year":`...)
		dst = appendFloat(dst, round3(c.swapRate))
		dst = append(dst, '}')
	} else {
		dst = append(dst, `","owner_registered":false}`...)
	}
	dst = append(dst, `,"coverage":"`...)
	dst = append(dst, coverageNames[c.c]...)
	dst = append(dst, `","account":`...)
	if c.y == yNone {
		dst = append(dst, "null"...)
	} else {
		level := byte('2')
		if c.y == yLevel1 {
			level = '1'
		}
		dst = append(dst, `{"level":`...)
		dst = append(dst, level)
		dst = append(dst, `,"phone":"`...)
		dst = m.phones.AppendNumber(dst, c.acctCarrier, c.acctNum)
		dst = append(dst, `","password":`...)
		dst = append(dst, m.passJSON[c.password]...)
		dst = append(dst, `,"device_id":"`...)
		if c.y != yPending {
			dst = appendDevice(dst, c.device)
		}
		dst = append(dst, `","status":"`...)
		switch {
		case c.y == yPending:
			dst = append(dst, population.AccountPendingActivation...)
		case c.locked:
			dst = append(dst, population.AccountLocked...)
		default:
			dst = append(dst, population.AccountActive...)
		}
		dst = append(dst, `"}`...)
	}
	v := &m.Villages[c.village]
	dst = append(dst, `,"village_id":"`...)
	dst = append(dst, m.villageIDs[c.village]...)
	dst = append(dst, `","power":`...)
	dst = appendBool(dst, v.Power)
	dst = append(dst, `,"urban":`...)
	dst = appendBool(dst, c.u == 1)
	dst = append(dst, `,"poverty":"`...)
	dst = append(dst, povertyNames[c.p]...)
	dst = append(dst, `","nfc":`...)
	dst = appendBool(dst, c.nfc)
	dst = append(dst, `,"chip_card":`...)
	dst = appendBool(dst, c.chip)
	dst = append(dst, `,"occupation":"`...)
	dst = append(dst, occupationNames[c.occupation]...)
	dst = append(dst, `","traits":{"forget_per_year":`...)
	dst = appendFloat(dst, c.forget)
	dst = append(dst, `,"typo_rate":`...)
	dst = appendFloat(dst, c.typo)
	dst = append(dst, `,"patience":`...)
	dst = appendDigits(dst, int64(c.patience), 1)
	dst = append(dst, `,"biometric_quality":`...)
	dst = appendFloat(dst, c.bio)
	return append(dst, "}}\n"...)
}

// CSVHeader is the header line of the CSV format.
const CSVHeader = "citizen_id,full_name,sex,birth_date,province_code,ethnicity,handset,sim_phone,sim_owner_registered,sim_carrier,sim_swaps_per_year,coverage," +
	"account_level,account_phone,account_password,account_device_id,account_status,village_id,power,urban,poverty,nfc,chip_card,occupation," +
	"forget_per_year,typo_rate,patience,biometric_quality\n"

func appendCSVField(dst []byte, s []byte) []byte {
	need := false
	for _, b := range s {
		if b == ',' || b == '"' || b == '\n' || b == '\r' {
			need = true
			break
		}
	}
	if !need {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for _, b := range s {
		if b == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, b)
	}
	return append(dst, '"')
}

// appendCSV appends citizen c as one CSV row (fields as CSVHeader).
func (p *Population) appendCSV(dst []byte, c *citizen) []byte {
	m := p.M
	st := &p.st[c.k]
	dst = p.appendID(dst, c)
	dst = append(dst, ',')
	dst = appendCSVField(dst, c.name)
	dst = append(dst, ',', c.sex(p), ',')
	dst = appendDate(dst, c.birthDay)
	dst = append(dst, ',')
	dst = append(dst, p.codes[st.prov]...)
	dst = append(dst, ',')
	dst = appendCSVField(dst, m.groupNames[c.group])
	dst = append(dst, ',')
	dst = append(dst, handsetNames[c.x]...)
	dst = append(dst, ',')
	if c.x != xNone {
		dst = m.phones.AppendNumber(dst, c.carrier, c.simNum)
		dst = append(dst, ',')
		dst = appendBool(dst, c.x == xSmartOwner || c.x == xFeatureOwner)
		dst = append(dst, ',')
		dst = append(dst, m.carriers[c.carrier]...)
		dst = append(dst, ',')
		dst = appendFloat(dst, round3(c.swapRate))
	} else {
		dst = append(dst, ",false,,0"...)
	}
	dst = append(dst, ',')
	dst = append(dst, coverageNames[c.c]...)
	dst = append(dst, ',')
	if c.y == yNone {
		dst = append(dst, ",,,,"...)
	} else {
		if c.y == yLevel1 {
			dst = append(dst, '1')
		} else {
			dst = append(dst, '2')
		}
		dst = append(dst, ',')
		dst = m.phones.AppendNumber(dst, c.acctCarrier, c.acctNum)
		dst = append(dst, ',')
		dst = append(dst, m.passwords[c.password]...)
		dst = append(dst, ',')
		if c.y != yPending {
			dst = appendDevice(dst, c.device)
		}
		dst = append(dst, ',')
		switch {
		case c.y == yPending:
			dst = append(dst, population.AccountPendingActivation...)
		case c.locked:
			dst = append(dst, population.AccountLocked...)
		default:
			dst = append(dst, population.AccountActive...)
		}
	}
	dst = append(dst, ',')
	dst = append(dst, m.villageIDs[c.village]...)
	dst = append(dst, ',')
	dst = appendBool(dst, m.Villages[c.village].Power)
	dst = append(dst, ',')
	dst = appendBool(dst, c.u == 1)
	dst = append(dst, ',')
	dst = append(dst, povertyNames[c.p]...)
	dst = append(dst, ',')
	dst = appendBool(dst, c.nfc)
	dst = append(dst, ',')
	dst = appendBool(dst, c.chip)
	dst = append(dst, ',')
	dst = append(dst, occupationNames[c.occupation]...)
	dst = append(dst, ',')
	dst = appendFloat(dst, c.forget)
	dst = append(dst, ',')
	dst = appendFloat(dst, c.typo)
	dst = append(dst, ',')
	dst = appendDigits(dst, int64(c.patience), 1)
	dst = append(dst, ',')
	dst = appendFloat(dst, c.bio)
	return append(dst, '\n')
}
