package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// checkTarget accepts an http(s) URL whose host is a loopback address (or "localhost"),
// any host when remote is allowed.
func checkTarget(target string, remote bool) error {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q: want http://HOST:PORT or https://HOST:PORT", target)
	}
	if remote {
		return nil
	}
	host := u.Hostname()
	if loopbackHost(host) {
		return nil
	}
	return fmt.Errorf("%s is not a loopback address; load goes only to 127.0.0.1 or ::1 unless --allow-remote is given (and you have the owner's permission)", host)
}

// probeTarget checks GET /healthz and asks the target for its settings (GET /sim/settings,
// with the operator token). A target that refuses the token is an error: every scenario
// reads the handsets under /sim/ with it. It returns the hash settings to record (or a note
// that the target did not report them) and the whole settings document when there was one.
func probeTarget(ctx context.Context, target, token string) (hash any, settings json.RawMessage, err error) {
	client := &http.Client{Timeout: 5 * time.Second}
	base := strings.TrimRight(target, "/")
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("target %s unreachable: %v", target, unwrapURLError(err))
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("target %s: GET /healthz answered %s", target, resp.Status)
	}
	hash = "unknown (target did not report)"
	req, _ = http.NewRequestWithContext(ctx, http.MethodGet, base+"/sim/settings", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err = client.Do(req)
	if err != nil {
		return hash, nil, nil
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusUnauthorized {
		return nil, nil, fmt.Errorf("target %s refused the operator token (GET /sim/settings answered %s); give the token the service was started with", target, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil || resp.StatusCode != http.StatusOK || !json.Valid(b) {
		return hash, nil, nil
	}
	var s struct {
		Hash json.RawMessage `json:"hash"`
	}
	if json.Unmarshal(b, &s) == nil && len(s.Hash) > 0 && string(s.Hash) != "null" {
		hash = s.Hash
	}
	return hash, b, nil
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// operatorSettings returns GET /sim/settings asked with the operator token, or nil.
func operatorSettings(ctx context.Context, target, token string) json.RawMessage {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(target, "/")+"/sim/settings", nil)
	if err != nil {
		return nil
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil || resp.StatusCode != http.StatusOK || !json.Valid(b) {
		return nil
	}
	return b
}
