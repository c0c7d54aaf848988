package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/eidsim/eidsim/reference"
)

// MaxBodyBytes is the largest request body accepted; longer bodies are 400 invalid_input.
const MaxBodyBytes = 16 << 10

// decode reads exactly one JSON object from r's body into dst, strictly: at most
// MaxBodyBytes, no unknown fields, every value of the field's type, nothing after the object.
// Every failure is an invalid_input *reference.Error that names the field when there is one.
func decode(w http.ResponseWriter, r *http.Request, dst any) error {
	body := http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if err := dec.Decode(&json.RawMessage{}); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return decodeError(err)
		}
		return reference.Errorf(reference.EInvalidInput, "body must hold exactly one JSON object")
	}
	return nil
}

// decodeError turns an encoding/json or body-reading error into invalid_input.
func decodeError(err error) error {
	var (
		mbe *http.MaxBytesError
		ute *json.UnmarshalTypeError
		se  *json.SyntaxError
	)
	switch {
	case errors.As(err, &mbe):
		return reference.Errorf(reference.EInvalidInput, "body too large: at most %d bytes", MaxBodyBytes)
	case errors.Is(err, io.EOF):
		return reference.Errorf(reference.EInvalidInput, "body must be a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return reference.Errorf(reference.EInvalidInput, "malformed JSON: unexpected end of body")
	case errors.As(err, &ute):
		if ute.Field == "" {
			return reference.Errorf(reference.EInvalidInput, "body must be a JSON object, not %s", ute.Value)
		}
		return reference.InvalidField(ute.Field, "must be %s, not %s", jsonType(ute.Type.String()), ute.Value)
	case errors.As(err, &se):
		return reference.Errorf(reference.EInvalidInput, "malformed JSON at byte %d: %s", se.Offset, se.Error())
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return reference.InvalidField(name, "unknown field")
	}
	return reference.Errorf(reference.EInvalidInput, "malformed JSON: %s", err.Error())
}

// jsonType names a Go type the way a client thinks of it.
func jsonType(goType string) string {
	switch goType {
	case "string":
		return "a string"
	case "int", "int64", "float64":
		return "a number"
	case "bool":
		return "a boolean"
	}
	return "an object"
}

// required returns invalid_input naming the first field whose value is empty; fields are
// given as name, value pairs in documentation order.
func required(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			return reference.InvalidField(pairs[i], "required")
		}
	}
	return nil
}

// decodeEmpty accepts an empty body or an empty JSON object, and nothing else.
func decodeEmpty(w http.ResponseWriter, r *http.Request) error {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		return decodeError(err)
	}
	if strings.TrimSpace(string(b)) == "" {
		return nil
	}
	r.Body = io.NopCloser(strings.NewReader(string(b)))
	return decode(w, r, &struct{}{})
}
