package main

import (
	"fmt"
	"net"
	"strings"
)

// loopbackHost reports whether host (without port or brackets) is "localhost" or a loopback
// IP address (127.0.0.0/8, ::1). Every other name counts as remote, since it may resolve to
// any interface.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkServeAddr refuses a listen address that is not on the loopback interface unless
// remote is allowed: an empty host (":8080"), "0.0.0.0", "[::]" and any other name or
// address serve the API, the simulated world and its OTPs to the network.
func checkServeAddr(addr string, remote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not HOST:PORT", addr)
	}
	if remote || loopbackHost(host) {
		return nil
	}
	if host == "" {
		host = "every interface"
	}
	return fmt.Errorf("%s is not a loopback address; give --allow-remote to serve other hosts (the operator token then guards /sim/, /metrics and the counter; anyone can reach /v1/)", host)
}
