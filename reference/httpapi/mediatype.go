package httpapi

import (
	"mime"
	"net/http"
	"strings"
)

// mediaJSON is the media type of every request body of /v1/ and /sim/ (but /sim/faults).
const mediaJSON = "application/json"

// accepts admits a request without a body, or one whose Content-Type is one of types (with
// an optional charset=utf-8 parameter); anything else is 415 unsupported_media_type naming
// the expected types.
func accepts(h handlerFunc, types ...string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if r.ContentLength == 0 || mediaTypeIn(r.Header.Get("Content-Type"), types) {
			return h(w, r)
		}
		return errorf(CodeUnsupportedMediaType, "Content-Type must be %s", strings.Join(types, " or "))
	}
}

// mediaTypeIn reports whether the Content-Type header value ct names one of types; a charset
// parameter, when present, must be UTF-8.
func mediaTypeIn(ct string, types []string) bool {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return false
	}
	for _, t := range types {
		if mt == t {
			return true
		}
	}
	return false
}
