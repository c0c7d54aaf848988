package httpapi_test

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkHandlerLogin is the HTTP layer's own cost of a login — routing, strict decoding,
// metrics, encoding — against a fake API, without network or store.
func BenchmarkHandlerLogin(b *testing.B) {
	s := mustServer(b, &fakeAPI{}, nil)
	body := calls[2].body
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("POST", "/v1/sessions", strings.NewReader(body))
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != 201 {
				b.Errorf("status %d", rec.Code)
				return
			}
		}
	})
}
