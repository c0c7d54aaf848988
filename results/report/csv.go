package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// maxCSVRows bounds the rows read from one CSV file of a run.
const maxCSVRows = 100_000

// csvTable is a CSV file with a header row.
type csvTable struct {
	Name   string
	Header []string
	Rows   [][]string
}

// readCSV reads a CSV file with a header; every row must have the header's width. Errors
// name the file and line.
func readCSV(r io.Reader, name string) (*csvTable, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty (no header row)", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for i, h := range header {
		header[i] = strings.TrimSpace(h)
		if header[i] == "" {
			return nil, fmt.Errorf("%s:1: column %d has no name", name, i+1)
		}
	}
	t := &csvTable{Name: name, Header: header}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if len(t.Rows) >= maxCSVRows {
			return nil, fmt.Errorf("%s: more than %d rows", name, maxCSVRows)
		}
		t.Rows = append(t.Rows, rec)
	}
	return t, nil
}

func readCSVFile(path string) (*csvTable, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readCSV(f, path)
}

// col returns the index of the first column whose name is one of names, or -1.
func (t *csvTable) col(names ...string) int {
	for _, n := range names {
		for i, h := range t.Header {
			if strings.EqualFold(h, n) {
				return i
			}
		}
	}
	return -1
}

// floats returns column i as numbers; ok is false when a cell is not a number.
func (t *csvTable) floats(i int) (v []float64, ok bool) {
	v = make([]float64, len(t.Rows))
	for k, row := range t.Rows {
		f, err := strconv.ParseFloat(strings.TrimSpace(row[i]), 64)
		if err != nil {
			return nil, false
		}
		v[k] = f
	}
	return v, true
}
