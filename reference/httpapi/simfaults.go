package httpapi

import (
	"errors"
	"io"
	"net/http"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/faults"
)

// faultMedia are the media types PUT /sim/faults reads (a setting is written in YAML or JSON).
var faultMedia = []string{mediaJSON, "application/yaml", "application/x-yaml"}

// getFaults handles GET /sim/faults: the current setting and the journal of the last
// faults.MaxJournal changes.
func (s *Server) getFaults(w http.ResponseWriter, r *http.Request) error {
	return respond(w, http.StatusOK, s.faults.State())
}

// putFaults handles PUT /sim/faults?source=TEXT: the body (YAML or JSON, at most
// faults.MaxSpecBytes, 413 beyond) replaces the whole setting; an invalid setting is 400
// invalid_input naming the field and changes nothing. The answer is the new setting.
func (s *Server) putFaults(w http.ResponseWriter, r *http.Request) error {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, faults.MaxSpecBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errorf(CodePayloadTooLarge, "body too large: a fault setting is at most %d bytes", faults.MaxSpecBytes)
		}
		return errorf(reference.EInvalidInput, "body: %v", err)
	}
	spec, err := faults.ParseSpec(b)
	if err != nil {
		return errorf(reference.EInvalidInput, "%v", err)
	}
	src := "control-plane"
	if q := r.URL.Query().Get("source"); q != "" {
		if len(q) > 200 {
			return reference.InvalidField("source", "at most 200 bytes")
		}
		src += ": " + q
	}
	if err := s.faults.Set(spec, src); err != nil {
		return errorf(reference.EInvalidInput, "%v", err)
	}
	return respond(w, http.StatusOK, s.faults.Current())
}

// deleteFaults handles DELETE /sim/faults: heal everything (journaled as a reset).
func (s *Server) deleteFaults(w http.ResponseWriter, r *http.Request) error {
	if err := s.faults.Set(faults.Spec{}, "control-plane: reset"); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
	return nil
}
