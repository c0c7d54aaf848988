package reference

// Carrier names as CarrierOf returns them.
const (
	CarrierViettel      = "Viettel"
	CarrierMobiFone     = "MobiFone"
	CarrierVinaPhone    = "VinaPhone"
	CarrierVietnamobile = "Vietnamobile"
	CarrierGmobile      = "Gmobile"
	CarrierItelecom     = "Itelecom"
	CarrierReddi        = "Reddi"
)

// carrierPrefixes maps the three-digit prefix of a 10-digit mobile number (after the 2018
// conversion) to its network operator; sources [mobile-number-conversion-2018], [itelecom-mvno]
// and [libphonenumber] in docs/sources.md.
var carrierPrefixes = map[string]string{
	"086": CarrierViettel, "096": CarrierViettel, "097": CarrierViettel, "098": CarrierViettel,
	"032": CarrierViettel, "033": CarrierViettel, "034": CarrierViettel, "035": CarrierViettel,
	"036": CarrierViettel, "037": CarrierViettel, "038": CarrierViettel, "039": CarrierViettel,

	"089": CarrierMobiFone, "090": CarrierMobiFone, "093": CarrierMobiFone, "070": CarrierMobiFone,
	"076": CarrierMobiFone, "077": CarrierMobiFone, "078": CarrierMobiFone, "079": CarrierMobiFone,

	"088": CarrierVinaPhone, "091": CarrierVinaPhone, "094": CarrierVinaPhone, "081": CarrierVinaPhone,
	"082": CarrierVinaPhone, "083": CarrierVinaPhone, "084": CarrierVinaPhone, "085": CarrierVinaPhone,

	"092": CarrierVietnamobile, "056": CarrierVietnamobile, "058": CarrierVietnamobile, "052": CarrierVietnamobile,

	"099": CarrierGmobile, "059": CarrierGmobile,

	"087": CarrierItelecom,

	"055": CarrierReddi,
}

// CarrierOf returns the network operator of a 10-digit Vietnamese mobile number from its
// three-digit prefix, or "" when the number is not 10 digits or the prefix is unknown.
func CarrierOf(phone string) string {
	if len(phone) != 10 {
		return ""
	}
	for i := 0; i < len(phone); i++ {
		if phone[i] < '0' || phone[i] > '9' {
			return ""
		}
	}
	return carrierPrefixes[phone[:3]]
}

// CarrierPrefixes returns the known prefixes of a carrier (a copy, in no particular order).
func CarrierPrefixes(carrier string) []string {
	var out []string
	for p, c := range carrierPrefixes {
		if c == carrier {
			out = append(out, p)
		}
	}
	return out
}
