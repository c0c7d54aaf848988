package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/eidsim/eidsim/reference"
)

// resetStore deletes the SQLite store in dir (the database and its WAL files), so that the
// import starts a fresh world. The operator token and the lock stay.
func resetStore(e *env, dir string) error {
	removed := 0
	for _, suffix := range []string{"", "-wal", "-shm"} {
		err := os.Remove(filepath.Join(dir, dbFile+suffix))
		switch {
		case err == nil:
			removed++
		case !errors.Is(err, os.ErrNotExist):
			return fmt.Errorf("--reset: %w", err)
		}
	}
	if removed > 0 {
		fmt.Fprintf(e.stderr, "--reset: deleted the store in %s\n", dir)
	}
	return nil
}

// checkSamePopulation refuses a population file other than the one the store already holds:
// imported into the same store it would merge two worlds without a word.
func checkSamePopulation(ctx context.Context, store reference.Store, cfg *serveConfig) error {
	var imports []reference.ImportRecord
	if err := store.View(ctx, func(tx reference.Tx) error {
		var err error
		imports, err = tx.Imports()
		return err
	}); err != nil || len(imports) == 0 {
		return err
	}
	sum, err := fileSHA256(cfg.population)
	if err != nil {
		return usageErr("--population %s: %v", cfg.population, err)
	}
	for _, r := range imports {
		if r.SHA256 == sum {
			return nil
		}
	}
	last := imports[len(imports)-1]
	return usageErr("--population %s is not the population %s holds (%s, sha256 %.12s, imported %s): the two would merge into one world; start with --reset to replace it, or use another --data",
		cfg.population, cfg.data, last.Path, last.SHA256, last.ImportedAt.Format(time.RFC3339))
}

// listenErr is the reason a listen failed, without the "listen tcp …" prefix Go adds.
func listenErr(err error) string {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err.Error()
	}
	return err.Error()
}

// jsonLogger logs JSON lines to w with millisecond UTC timestamps.
func jsonLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.String(slog.TimeKey, a.Value.Time().UTC().Format("2006-01-02T15:04:05.000Z"))
			}
			return a
		},
	}))
}

// operatorToken returns the counter's bearer token: --operator-token, $EIDSIM_OPERATOR_TOKEN,
// the one generated earlier into DIR/operator-token (narrowed to 0600), or a new random one
// written there (0600).
// A generated token is never printed, only the file's path.
func operatorToken(e *env, cfg *serveConfig) (string, error) {
	if cfg.token != "" {
		return cfg.token, nil
	}
	path := filepath.Join(cfg.data, tokenFile)
	b, err := os.ReadFile(path)
	switch {
	case err == nil && strings.TrimSpace(string(b)) != "":
		if err := os.Chmod(path, 0o600); err != nil {
			return "", fmt.Errorf("operator token: %w", err)
		}
		fmt.Fprintf(e.stderr, "operator token: %s\n", path)
		return strings.TrimSpace(string(b)), nil
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("operator token: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	tok := hex.EncodeToString(raw)
	if err := os.WriteFile(path, []byte(tok+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("operator token: %w", err)
	}
	fmt.Fprintf(e.stderr, "operator token generated: %s\n", path)
	return tok, nil
}

// defaultIssuer is the issuer of a provider listening on addr without --issuer: http://addr,
// with a wildcard host (0.0.0.0, ::) replaced by 127.0.0.1 and a note saying so.
func defaultIssuer(addr string) (issuer, note string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr, ""
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		issuer = "http://" + net.JoinHostPort("127.0.0.1", port)
		return issuer, fmt.Sprintf("--addr %s listens on every interface: the OpenID Connect issuer is %s; set --issuer to the URL relying parties reach", addr, issuer)
	}
	return "http://" + net.JoinHostPort(host, port), ""
}
