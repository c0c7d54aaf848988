package reference_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
)

// policyFile is where every rule of the service and its default live.
const policyFile = "reference/policy.go"

// policyMirrors are files allowed to declare fields named like Policy's because they read the
// policy a target reports, and why. They may not give those fields values of their own.
var policyMirrors = map[string]string{
	"results/attack.go": "AttackPolicy reads the policy any target reports in GET /sim/settings (zero when unknown)",
}

// newcomerRules are rules a newcomer looks for, by the Go name they would grep. Each must be
// a field of reference.Policy, so that grepping it (or its JSON name, as /sim/settings shows
// it) lands in policy.go.
var newcomerRules = []struct{ field, json string }{
	{"OTPValidity", "otp_validity"},
	{"OTPLength", "otp_length"},
	{"OTPMaxAttempts", "otp_max_attempts"},
	{"ResendAfter", "resend_after"},
	{"MaxResends", "max_resends"},
	{"SendsPerPhone", "sends_per_phone"},
	{"SendWindow", "send_window"},
	{"PasswordMinLen", "password_min_len"},
	{"PasscodeLen", "passcode_len"},
	{"MaxFailedLogins", "max_failed_logins"},
	{"LockDuration", "lock_duration"},
	{"Lockout", "lockout"},
	{"ThrottleMaxFailures", "throttle_max_failures"},
	{"LoginAnswers", "login_answers"},
	{"MaxFailedChallenges", "max_failed_challenges"},
	{"HashQueue", "hash_queue"},
	{"HashQueueWait", "hash_queue_wait"},
	{"TokenTTL", "token_ttl"},
	{"BiometricMinScore", "biometric_min_score"},
}

// fixedRules are rules that are not Policy fields but live in policy.go all the same.
var fixedRules = map[string]bool{"PasswordSpecials": true, "BrowserBindingTTL": true}

// TestNewcomerRulesArePolicyFields: every rule on the list is a Policy field with that JSON
// name, and DefaultPolicy gives it a value.
func TestNewcomerRulesArePolicyFields(t *testing.T) {
	typ := reflect.TypeOf(reference.Policy{})
	def := reflect.ValueOf(reference.DefaultPolicy())
	for _, r := range newcomerRules {
		t.Run(r.field, func(t *testing.T) {
			f, ok := typ.FieldByName(r.field)
			require.True(t, ok, "reference.Policy has no field %s", r.field)
			assert.Equal(t, r.json, f.Tag.Get("json"))
			assert.False(t, def.FieldByIndex(f.Index).IsZero(), "DefaultPolicy leaves %s at zero", r.field)
		})
	}
}

// TestRulesDeclaredOnlyInPolicyFile: across the module's Go code (tests aside), a struct
// field named like a Policy field or tagged with its JSON name, a Policy literal that sets
// rules (a second set of defaults), the fixed rules, DefaultPolicy and CheckPassword are
// declared only in reference/policy.go — so grepping a rule's name never leads first to a
// look-alike elsewhere (the telco's OTP message validity was once called OTPValidity too).
func TestRulesDeclaredOnlyInPolicyFile(t *testing.T) {
	names, jsonNames := map[string]bool{}, map[string]bool{}
	typ := reflect.TypeOf(reference.Policy{})
	for i := range typ.NumField() {
		names[typ.Field(i).Name] = true
		jsonNames[typ.Field(i).Tag.Get("json")] = true
	}
	root := filepath.Join("..")
	var found []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "testdata":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel := filepath.ToSlash(strings.TrimPrefix(path, root+string(filepath.Separator)))
		if rel == policyFile {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		found = append(found, ruleDeclarations(t, rel, src, names, jsonNames)...)
		return nil
	})
	require.NoError(t, err)
	assert.Empty(t, found, "rules must be declared in %s only", policyFile)
	for file, why := range policyMirrors {
		_, err := os.Stat(filepath.Join(root, filepath.FromSlash(file)))
		assert.NoError(t, err, "policyMirrors lists %s (%s), which no longer exists", file, why)
	}

	// The walk reaches the policy file itself, so an empty result means something.
	_, err = os.Stat(filepath.Join(root, filepath.FromSlash(policyFile)))
	require.NoError(t, err)
}

// ruleDeclarations returns, as "file:line: what", the declarations in one Go file that a
// newcomer grepping a rule's name could mistake for the rule.
func ruleDeclarations(t *testing.T, rel string, src []byte, names, jsonNames map[string]bool) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, rel, src, parser.SkipObjectResolution)
	require.NoError(t, err, rel)
	var out []string
	at := func(n ast.Node, format string, args ...any) {
		out = append(out, fset.Position(n.Pos()).String()+": "+fmt.Sprintf(format, args...))
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.KeyValueExpr:
			if id, ok := n.Key.(*ast.Ident); ok && names[id.Name] && hasLiteral(n.Value) {
				at(n, "%s set to a literal value (a default of its own)", id.Name)
			}
		case *ast.StructType:
			if _, mirror := policyMirrors[rel]; mirror {
				return true
			}
			for _, fld := range n.Fields.List {
				for _, id := range fld.Names {
					if names[id.Name] {
						at(id, "struct field %s", id.Name)
					}
				}
				if fld.Tag != nil {
					tag, _ := strconv.Unquote(fld.Tag.Value)
					name, _, _ := strings.Cut(reflect.StructTag(tag).Get("json"), ",")
					if jsonNames[name] {
						at(fld, "struct field tagged json:%q", name)
					}
				}
			}
		case *ast.CompositeLit:
			if isPolicyType(n.Type) && len(n.Elts) > 0 {
				at(n, "a reference.Policy literal that sets rules")
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				if fixedRules[id.Name] {
					at(id, "declaration of %s", id.Name)
				}
			}
		case *ast.FuncDecl:
			if n.Name.Name == "DefaultPolicy" || n.Name.Name == "CheckPassword" {
				at(n, "func %s", n.Name.Name)
			}
		}
		return true
	})
	return out
}

// hasLiteral reports whether e contains a number, string or character literal, as a
// default written in place does (5, 30 * time.Minute, "lock").
func hasLiteral(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if _, ok := n.(*ast.BasicLit); ok {
			found = true
		}
		return !found
	})
	return found
}

// isPolicyType reports whether a composite literal's type is Policy or reference.Policy.
func isPolicyType(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name == "Policy"
	case *ast.SelectorExpr:
		x, ok := e.X.(*ast.Ident)
		return ok && x.Name == "reference" && e.Sel.Name == "Policy"
	}
	return false
}
