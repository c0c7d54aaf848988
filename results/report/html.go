package report

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"html/template"
	"io"
	"sync"

	"codeberg.org/go-fonts/liberation/liberationsansregular"
)

//go:embed report.html.tmpl
var htmlTemplate string

var (
	tmplOnce sync.Once
	tmpl     *template.Template
	fontCSS  template.CSS
)

func parseTemplate() {
	// The plot font, embedded once as a data URL, so the SVG text is drawn with the metrics
	// it was laid out with and nothing is fetched.
	fontCSS = template.CSS(`@font-face{font-family:"Liberation Sans";font-style:normal;font-weight:normal;src:url(data:font/ttf;base64,` +
		base64.StdEncoding.EncodeToString(liberationsansregular.TTF) + `) format("truetype");}`)
	tmpl = template.Must(template.New("report").Funcs(template.FuncMap{
		"svg":     func(b []byte) template.HTML { return template.HTML(b) },
		"numeric": func(t Table, i int) bool { return t.Numeric[i] },
		"better": func(f Figure) string {
			switch f.Better {
			case -1:
				return "lower is better"
			case 1:
				return "higher is better"
			}
			return ""
		},
	}).Parse(htmlTemplate))
}

// WriteHTML writes r as one self-contained HTML page: inline CSS, the plots as inline SVG,
// the plot font as a data URL, no script and no external reference.
func WriteHTML(w io.Writer, r *Report) error {
	tmplOnce.Do(parseTemplate)
	var b bytes.Buffer
	if err := tmpl.Execute(&b, struct {
		*Report
		FontCSS template.CSS
	}{r, fontCSS}); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}
