package profile

import (
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/scenarios/campaigns"
)

// sourcesPath is the project's bibliography, relative to this package's directory (go test runs
// a package's tests there).
const sourcesPath = "../../docs/sources.md"

var (
	// entryRE matches the start of a bibliography entry: a list item "- **[key]**".
	entryRE = regexp.MustCompile(`(?m)^- \*\*\[([a-z][a-z0-9-]*)\]\*\*`)
	// citeRE matches a citation "[key]" in a profile or campaign. A single letter such as "[a]"
	// matches too, so a leftover footnote of someone's private notes is reported as unknown.
	citeRE = regexp.MustCompile(`\[([a-z][a-z0-9-]*)\]`)
	// privateRE matches pointers to notes outside the repository (research/*.md, seeds/*.txt,
	// shared/…, "seed 002"), which a user of the repository cannot follow.
	privateRE = regexp.MustCompile(`research/|seeds?/|shared/|\bseeds? ?0\d\d\b|seed-0\d\d`)
)

// sourceKeys parses the bibliography: each entry's key, and an error for a duplicate key or an
// entry that does not say what the project takes from it ("Used for:").
func sourceKeys(t *testing.T, md string) map[string]bool {
	t.Helper()
	locs := entryRE.FindAllStringSubmatchIndex(md, -1)
	require.NotEmpty(t, locs, "no entries of the form \"- **[key]**\" in %s", sourcesPath)
	keys := map[string]bool{}
	for i, loc := range locs {
		key := md[loc[2]:loc[3]]
		end := len(md)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		if j := strings.Index(md[loc[0]:end], "\n#"); j >= 0 {
			end = loc[0] + j
		}
		assert.False(t, keys[key], "%s: key [%s] is defined twice", sourcesPath, key)
		assert.Contains(t, md[loc[0]:end], "Used for:", "%s: entry [%s] does not say what is used from it", sourcesPath, key)
		keys[key] = true
	}
	return keys
}

// citationProblems lists what is wrong with the citations in text: keys that have no entry in
// keys, and pointers to files outside the repository.
func citationProblems(text string, keys map[string]bool) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range citeRE.FindAllStringSubmatch(text, -1) {
		if !keys[m[1]] && !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, "unknown source key ["+m[1]+"]")
		}
	}
	for _, m := range privateRE.FindAllString(text, -1) {
		if !seen[m] {
			seen[m] = true
			out = append(out, "cites "+m+", which is not in the repository")
		}
	}
	sort.Strings(out)
	return out
}

func TestCitationProblems(t *testing.T) {
	keys := map[string]bool{"census-2019": true, "mic-2022": true}
	cases := []struct {
		name, text string
		want       []string
	}{
		{"known keys", `source: "2019 census: 14.3% [census-2019]; MIC [mic-2022]"`, nil},
		{"assumption without a key", `source: "assumption: 30%"`, nil},
		{"unknown key", `source: "2019 census [census-2009]"`, []string{"unknown source key [census-2009]"}},
		{"research footnote letter", `source: "2019 census [a]"`, []string{"unknown source key [a]"}},
		{"research file", `source: "(research/vietnam.md §4.2)"`, []string{"cites research/, which is not in the repository"}},
		{"seed number", `source: "seed 002"`, []string{"cites seed 002, which is not in the repository"}},
		{"seeds number", `# seeds 001/004`, []string{"cites seeds 001, which is not in the repository"}},
		{"seed file", `# seeds/002.txt`, []string{"cites seeds/, which is not in the repository"}},
		{"shared digest", `# shared/seed-facts.md`, []string{"cites shared/, which is not in the repository"}},
		{"seed-002 report", `# to the seed-002 report`, []string{"cites seed-002, which is not in the repository"}},
		{"a random seed is no citation", `--seed 7; the fit starts from a seed table`, nil},
		{"YAML flow list is no citation", `shares: [0.5, 0.5]`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, citationProblems(c.text, keys))
		})
	}
}

// TestBuiltinSourcesCited checks every embedded profile and built-in campaign (and the
// campaigns' README): each cites at least one source, every key it cites has an entry in
// docs/sources.md, and none points into notes outside the repository.
func TestBuiltinSourcesCited(t *testing.T) {
	md, err := os.ReadFile(sourcesPath)
	require.NoError(t, err)
	keys := sourceKeys(t, string(md))

	type file struct {
		name     string
		text     string
		mustCite bool
	}
	var files []file
	for _, n := range Builtin() {
		b, err := builtinFS.ReadFile("profiles/" + n + ".yaml")
		require.NoError(t, err)
		files = append(files, file{"profile " + n, string(b), true})
	}
	names := campaigns.Names()
	require.NotEmpty(t, names)
	for _, n := range names {
		b, err := campaigns.Read(n)
		require.NoError(t, err)
		files = append(files, file{"campaign " + n, string(b), true})
	}
	readme, err := os.ReadFile("../../scenarios/campaigns/README.md")
	require.NoError(t, err)
	files = append(files, file{"scenarios/campaigns/README.md", string(readme), false})

	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			assert.Empty(t, citationProblems(f.text, keys))
			if f.mustCite {
				assert.Regexp(t, citeRE, f.text, "cites no source by key")
			}
		})
	}
}
