// Package docs holds the user documentation (Markdown). Its only Go file is this test: every
// relative link in README.md and docs/*.md must lead to a file of the repository, and every
// #anchor to a heading of that file, so a page moved or renamed cannot leave a dead link.
package docs

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeMaxLines is the longest README.md may be: what eidsim is for, the two commands, three
// paths and links; everything else lives in docs/.
const readmeMaxLines = 250

// link is one Markdown link found in a page.
type link struct {
	line   int
	target string
}

var (
	linkRe    = regexp.MustCompile(`\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^)\s]+)\)`)
	headingRe = regexp.MustCompile(`^#{1,6}\s+(.*?)\s*#*\s*$`)
	schemeRe  = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
)

// scan returns the links of a Markdown page and the anchors of its headings, both outside
// fenced code blocks.
func scan(text string) (links []link, anchors map[string]bool) {
	anchors = map[string]bool{}
	seen := map[string]int{}
	fence := false
	for i, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			fence = !fence
			continue
		}
		if fence {
			continue
		}
		if m := headingRe.FindStringSubmatch(l); m != nil {
			a := slug(m[1])
			if n := seen[a]; n > 0 {
				anchors[fmt.Sprintf("%s-%d", a, n)] = true
			} else {
				anchors[a] = true
			}
			seen[a]++
		}
		for _, m := range linkRe.FindAllStringSubmatch(l, -1) {
			links = append(links, link{line: i + 1, target: m[1]})
		}
	}
	return links, anchors
}

// slug is the anchor GitHub gives a heading: lower case, letters, digits, '-' and '_' kept,
// spaces turned into '-', everything else (punctuation, backquotes) dropped.
func slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// pages returns README.md and docs/*.md, relative to the repository root.
func pages(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	require.NoError(t, err)
	require.NotEmpty(t, docs)
	return append([]string{filepath.Join("..", "README.md")}, docs...)
}

// TestLinksResolve checks every relative link of the user documentation: the file exists
// and, for a #fragment into a Markdown page, the page has that heading.
func TestLinksResolve(t *testing.T) {
	anchorsOf := map[string]map[string]bool{}
	anchors := func(path string) (map[string]bool, error) {
		if a, ok := anchorsOf[path]; ok {
			return a, nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		_, a := scan(string(b))
		anchorsOf[path] = a
		return a, nil
	}
	checked := 0
	for _, page := range pages(t) {
		b, err := os.ReadFile(page)
		require.NoError(t, err)
		links, _ := scan(string(b))
		for _, l := range links {
			if schemeRe.MatchString(l.target) {
				continue // http:, https:, mailto: — not checked offline
			}
			checked++
			file, frag, _ := strings.Cut(l.target, "#")
			target := page
			if file != "" {
				target = filepath.Join(filepath.Dir(page), filepath.FromSlash(file))
			}
			where := fmt.Sprintf("%s:%d: link %q", strings.TrimPrefix(page, "../"), l.line, l.target)
			if _, err := os.Stat(target); err != nil {
				t.Errorf("%s: no such file %s", where, strings.TrimPrefix(target, "../"))
				continue
			}
			if frag == "" || !strings.HasSuffix(target, ".md") {
				continue
			}
			a, err := anchors(target)
			if !assert.NoError(t, err, where) {
				continue
			}
			assert.True(t, a[frag], "%s: %s has no heading with the anchor #%s", where, strings.TrimPrefix(target, "../"), frag)
		}
	}
	assert.Greater(t, checked, 20, "the pages have relative links to check")
}

// TestREADMEShort keeps the README a page a newcomer reads through.
func TestREADMEShort(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "README.md"))
	require.NoError(t, err)
	n := strings.Count(string(b), "\n")
	assert.LessOrEqual(t, n, readmeMaxLines, "README.md has %d lines; move sections into docs/", n)
}

// TestScan pins the link and anchor rules the tests above rely on.
func TestScan(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		links   []string
		anchors []string
	}{
		{"plain link", "see [a](a.md).", []string{"a.md"}, nil},
		{"code in link text", "[`x/y.go`](../x/y.go)", []string{"../x/y.go"}, nil},
		{"two links on a line", "[a](a.md) and [b](b.md#c)", []string{"a.md", "b.md#c"}, nil},
		{"fenced block ignored", "```\n[a](a.md)\n# not a heading\n```", nil, nil},
		{"heading with punctuation", "## Lockout, send limits (the policy in `reference/policy.go`)", nil,
			[]string{"lockout-send-limits-the-policy-in-referencepolicygo"}},
		{"duplicate headings", "## Flags\n## Flags", nil, []string{"flags", "flags-1"}},
		{"non-ASCII heading", "## Điện Biên — 2023", nil, []string{"điện-biên--2023"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			links, anchors := scan(tt.text)
			var got []string
			for _, l := range links {
				got = append(got, l.target)
			}
			assert.Equal(t, tt.links, got)
			var gotA []string
			for a := range anchors {
				gotA = append(gotA, a)
			}
			assert.ElementsMatch(t, tt.anchors, gotA)
		})
	}
}
