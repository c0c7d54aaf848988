package report

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/eidsim/eidsim/results"
)

// Write stores r in dir as report.md, report.html and plots/NAME.svg, each file written
// whole to a temporary name and renamed, so a reader never sees half a report.
func Write(dir string, r *Report) error {
	if err := os.MkdirAll(filepath.Join(dir, results.PlotsDir), 0o755); err != nil {
		return err
	}
	for _, s := range r.Sections {
		for _, p := range s.Plots {
			if err := writeFile(filepath.Join(dir, results.PlotsDir, p.Name+".svg"), svgFile(p.SVG)); err != nil {
				return err
			}
		}
	}
	var md, html bytes.Buffer
	if err := WriteMarkdown(&md, r); err != nil {
		return err
	}
	if err := WriteHTML(&html, r); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, results.MarkdownFile), md.Bytes()); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, results.HTMLFile), html.Bytes())
}

// Generate builds the report of the run directory dir and writes it there. It returns the
// report and the path of report.html.
func Generate(dir string) (*Report, string, error) {
	r, err := Build(dir)
	if err != nil {
		return nil, "", err
	}
	if err := Write(dir, r); err != nil {
		return r, "", fmt.Errorf("writing the report into %s: %w", dir, err)
	}
	return r, filepath.Join(dir, results.HTMLFile), nil
}

// svgFile turns inline SVG markup into a stand-alone SVG file with a fixed size.
func svgFile(b []byte) []byte {
	b = bytes.Replace(b, []byte(`<svg width="100%"`), []byte(`<svg width="16cm" height="8cm"`), 1)
	return append([]byte("<?xml version=\"1.0\"?>\n"), b...)
}

func writeFile(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

// CompareDirs builds the reports of run directories a and b, puts b beside a with Compare
// and writes the comparison into out (default: a/compare-<b's run id>). It returns the
// comparison and the path of its report.html.
func CompareDirs(a, b, out string) (*Report, string, error) {
	ra, err := Build(a)
	if err != nil {
		return nil, "", err
	}
	rb, err := Build(b)
	if err != nil {
		return nil, "", err
	}
	r := Compare(ra, rb)
	if out == "" {
		out = filepath.Join(a, "compare-"+rb.RunID)
	}
	if err := Write(out, r); err != nil {
		return r, "", fmt.Errorf("writing the comparison into %s: %w", out, err)
	}
	return r, filepath.Join(out, results.HTMLFile), nil
}
