package main

import (
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// defaultData is serve's --data default, where the clients of a local service (load, faults)
// look for the operator token it generated.
const defaultData = "./eidsim-data"

// clientToken returns the operator token a client of the service sends on every /sim/ and
// counter call: flagValue (--operator-token), else $EIDSIM_OPERATOR_TOKEN, else, when target
// is on the loopback interface, the token serve generated into DATA/operator-token (data is
// the client's --data, serve's default when not given). A token read from a local file is
// never sent to a remote target. Without one it is a usage error naming the three ways.
func clientToken(e *env, flagValue, data, target string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if v := e.getenv("EIDSIM_OPERATOR_TOKEN"); v != "" {
		return v, nil
	}
	path := filepath.Join(data, tokenFile)
	if !loopbackURL(target) {
		return "", usageErr("the target's /sim/ and counter calls need the operator token: give --operator-token or set EIDSIM_OPERATOR_TOKEN (DIR/%s is read only for a loopback target)", tokenFile)
	}
	b, err := os.ReadFile(path)
	tok := strings.TrimSpace(string(b))
	switch {
	case err == nil && tok != "":
		return tok, nil
	case err == nil:
		return "", usageErr("--data: %s is empty; give --operator-token or set EIDSIM_OPERATOR_TOKEN", path)
	case errors.Is(err, fs.ErrNotExist):
		return "", usageErr("the target's /sim/ and counter calls need the operator token: give --operator-token, set EIDSIM_OPERATOR_TOKEN, or --data DIR of the running eidsim serve (no %s)", path)
	}
	return "", usageErr("--data: %v", err)
}

// loopbackURL reports whether target's host is a loopback address or localhost.
func loopbackURL(target string) bool {
	u, err := url.Parse(target)
	return err == nil && loopbackHost(u.Hostname())
}
