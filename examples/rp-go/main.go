// Command rp-go is a sample relying party for "login with VNeID" against eidsim: a small web
// app (net/http, coreos/go-oidc, golang.org/x/oauth2) doing the authorization code flow with
// PKCE S256, state and nonce, verifying the ID token (signature, iss, aud, exp, nonce, acr).
// --careless leaves checks out, so a vendor sees `eidsim rp-check` pass and fail:
//
//	go run ./examples/rp-go --issuer http://127.0.0.1:8090 --addr 127.0.0.1:9000
//	go run ./examples/rp-go --careless state,nonce,iss,pkce,acr,jwks
//
// Flags fall back to the environment: RP_ISSUER, RP_CLIENT_ID, RP_CLIENT_SECRET, RP_ADDR,
// RP_CARELESS.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"
)

func main() { os.Exit(run(context.Background(), os.Args[1:], os.Getenv, os.Stderr)) }

func envOr(getenv func(string) string, k, def string) string {
	if v := getenv(k); v != "" {
		return v
	}
	return def
}

// run parses the flags and serves until interrupted; 2 is bad usage.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) int {
	fs := flag.NewFlagSet("rp-go", flag.ContinueOnError)
	fs.SetOutput(stderr)
	issuer := fs.String("issuer", envOr(getenv, "RP_ISSUER", "http://127.0.0.1:8090"), "the provider's issuer `URL`")
	clientID := fs.String("client-id", envOr(getenv, "RP_CLIENT_ID", "vendor-rp"), "the registered client_id")
	secret := fs.String("client-secret", envOr(getenv, "RP_CLIENT_SECRET", "vendor-secret"), "the client secret")
	addr := fs.String("addr", envOr(getenv, "RP_ADDR", "127.0.0.1:9000"), "`HOST:PORT` to listen on; the callback is http://HOST:PORT/callback")
	careless := fs.String("careless", getenv("RP_CARELESS"), "checks to leave out: comma-separated state, nonce, iss, pkce, acr, jwks (the key set fetched once), or all")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	c, err := parseCareless(*careless)
	if err != nil {
		fmt.Fprintf(stderr, "rp-go: --careless: %v\n", err)
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "rp-go: --addr: %v\n", err)
		return 2
	}
	base := "http://" + ln.Addr().String()
	app := NewApp(Config{Issuer: *issuer, ClientID: *clientID, ClientSecret: *secret, Base: base, Careless: c})
	srv := &http.Server{Handler: app.Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stderr, "rp-go listening on %s (callback %s/callback, issuer %s, careless %+v)\n", base, base, *issuer, c)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "rp-go: %v\n", err)
		return 1
	}
	return 0
}
