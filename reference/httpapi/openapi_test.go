package httpapi_test

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/httpapi"
)

type openAPI struct {
	OpenAPI    string                                 `yaml:"openapi"`
	Paths      map[string]map[string]openAPIOperation `yaml:"paths"`
	Components struct {
		Schemas map[string]struct {
			Required   []string       `yaml:"required"`
			Properties map[string]any `yaml:"properties"`
		} `yaml:"schemas"`
	} `yaml:"components"`
}

type openAPIOperation struct {
	OperationID string         `yaml:"operationId"`
	Responses   map[string]any `yaml:"responses"`
}

// TestOpenAPI checks that reference/openapi.yaml documents exactly the registered routes,
// and that its error-code enumeration is the status table.
func TestOpenAPI(t *testing.T) {
	raw, err := os.ReadFile("../openapi.yaml")
	require.NoError(t, err)
	var doc openAPI
	require.NoError(t, yaml.Unmarshal(raw, &doc))
	require.True(t, strings.HasPrefix(doc.OpenAPI, "3.0"), "openapi %q", doc.OpenAPI)

	var documented []string
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if method == "parameters" {
				continue
			}
			documented = append(documented, strings.ToUpper(method)+" "+path)
			assert.NotEmpty(t, op.OperationID, "%s %s has no operationId", method, path)
			assert.NotEmpty(t, op.Responses, "%s %s has no responses", method, path)
		}
	}
	var registered []string
	for _, r := range httpapi.Routes() {
		registered = append(registered, r.Method+" "+r.Path)
	}
	slices.Sort(documented)
	slices.Sort(registered)
	for _, r := range registered {
		assert.Contains(t, documented, r, "route %s is registered but not in openapi.yaml", r)
	}
	for _, d := range documented {
		assert.Contains(t, registered, d, "openapi.yaml documents %s, which is not registered", d)
	}

	// The error codes of the document are exactly those of the status table.
	errProps := doc.Components.Schemas["Error"].Properties["error"].(map[string]any)["properties"].(map[string]any)
	var codes []string
	for _, c := range errProps["code"].(map[string]any)["enum"].([]any) {
		codes = append(codes, c.(string))
	}
	assert.ElementsMatch(t, httpapi.Codes(), codes)

	// Every request schema lists exactly the JSON fields of its Go type, all required.
	for name, typ := range map[string]any{
		"RegisterRequest": reference.RegisterRequest{}, "VerifyRequest": reference.VerifyRequest{},
		"LoginRequest": reference.LoginRequest{}, "OTPRequest": reference.OTPRequest{},
		"RecoveryRequest": reference.RecoveryRequest{}, "RecoveryVerifyRequest": reference.RecoveryVerifyRequest{},
		"ActivationRequest": reference.ActivationRequest{}, "EnrollRequest": reference.EnrollRequest{},
		"PhoneChangeRequest": reference.PhoneChangeRequest{}, "CounterRequest": reference.CounterRequest{},
		"CaptureRequest": reference.CaptureRequest{},
	} {
		var fields []string
		rt := reflect.TypeOf(typ)
		for i := range rt.NumField() {
			fields = append(fields, strings.Split(rt.Field(i).Tag.Get("json"), ",")[0])
		}
		schema := doc.Components.Schemas[name]
		assert.ElementsMatch(t, fields, keys(schema.Properties), name)
		assert.ElementsMatch(t, fields, schema.Required, name)
	}
}
