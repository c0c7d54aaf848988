package population

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// MaxLineBytes is the longest line a Reader accepts.
const MaxLineBytes = 64 << 10

// LineError is an error in one line of a population file.
type LineError struct {
	File string // file name, or "" for an unnamed stream
	Line int    // 1-based line number
	Err  error
}

func (e *LineError) Error() string {
	name := e.File
	if name == "" {
		name = "population"
	}
	return fmt.Sprintf("%s:%d: %v", name, e.Line, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }

// Reader streams records from a JSON Lines population file, one at a time, in constant memory.
// Blank lines are skipped. Every record is validated; the first bad line stops the reader with
// a *LineError naming the file, the line and the field.
type Reader struct {
	name string
	br   *bufio.Reader
	line int
	err  error
}

// NewReader returns a Reader over r; name is used in error messages.
func NewReader(r io.Reader, name string) *Reader {
	return &Reader{name: name, br: bufio.NewReaderSize(r, 256<<10)}
}

// Line returns the number of the line last read.
func (r *Reader) Line() int { return r.line }

// Next decodes the next record into rec (which it resets first). It returns io.EOF at the end.
func (r *Reader) Next(rec *Record) error {
	if r.err != nil {
		return r.err
	}
	for {
		b, err := r.readLine()
		if err != nil {
			r.err = err
			return err
		}
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		*rec = Record{}
		if err := DecodeLine(b, rec); err != nil {
			r.err = &LineError{File: r.name, Line: r.line, Err: err}
			return r.err
		}
		return nil
	}
}

func (r *Reader) readLine() ([]byte, error) {
	var buf []byte
	for {
		chunk, err := r.br.ReadSlice('\n')
		if len(buf)+len(chunk) > MaxLineBytes {
			r.line++
			return nil, &LineError{File: r.name, Line: r.line, Err: fmt.Errorf("line longer than %d bytes", MaxLineBytes)}
		}
		switch {
		case err == nil:
			r.line++
			if buf == nil {
				return chunk, nil
			}
			return append(buf, chunk...), nil
		case errors.Is(err, bufio.ErrBufferFull):
			buf = append(buf, chunk...)
		case errors.Is(err, io.EOF):
			if len(buf)+len(chunk) == 0 {
				return nil, io.EOF
			}
			r.line++
			return append(buf, chunk...), nil
		default:
			return nil, err
		}
	}
}

// DecodeLine decodes and validates one JSON record. Errors name the field.
func DecodeLine(b []byte, rec *Record) error {
	if err := json.Unmarshal(b, rec); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fieldErr(te.Field, "wrong type: got JSON %s, want %s", te.Value, te.Type)
		}
		return fmt.Errorf("malformed JSON: %v", err)
	}
	return rec.Validate()
}

// ReadFile calls fn for every record of the file at path, in order, stopping at the first error
// (from the file or from fn). The record passed to fn is reused between calls.
func ReadFile(path string, fn func(*Record) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("population file: %w", err)
	}
	defer f.Close()
	rd := NewReader(f, path)
	var rec Record
	for {
		err := rd.Next(&rec)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(&rec); err != nil {
			return err
		}
	}
}
