package awskms

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"
)

// checkHost validates the host[:port] of an endpoint override and reports
// whether it is a loopback host. Only lowercase DNS names, dotted IPv4 and
// bracketed IPv6 in canonical form are accepted; no user info, no zone.
func checkHost(hostport string) (loopback bool, err error) {
	host, port, err := splitHostPort(hostport)
	if err != nil {
		return false, err
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || port[0] == '0' || !isDigits(port) {
			return false, errors.New("port must be a number from 1 to 65535")
		}
	}
	if host == "localhost" {
		return true, nil
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		if addr.Zone() != "" || addr.Is4In6() || addr.String() != host {
			return false, errors.New("IP address is not in canonical form")
		}
		return addr.IsLoopback(), nil
	}
	if !validDNSName(host) {
		return false, errors.New("host must be a lowercase DNS name or an IP address")
	}
	return false, nil
}

// splitHostPort splits host[:port], with IPv6 hosts in brackets. Unlike
// net.SplitHostPort the port is optional and a bare IPv6 is an error.
func splitHostPort(hostport string) (host, port string, err error) {
	if rest, ok := strings.CutPrefix(hostport, "["); ok {
		host, after, ok := strings.Cut(rest, "]")
		if !ok || !strings.Contains(host, ":") {
			return "", "", errors.New("bad bracketed IPv6 host")
		}
		if after == "" {
			return host, "", nil
		}
		if port, ok = strings.CutPrefix(after, ":"); !ok {
			return "", "", errors.New("unexpected text after IPv6 host")
		}
		return host, port, nil
	}
	host, port, hasPort := strings.Cut(hostport, ":")
	if hasPort && port == "" {
		return "", "", errors.New("empty port")
	}
	return host, port, nil
}

// validDNSName accepts lowercase LDH labels. The last label may not be all
// digits, so that a malformed IPv4 address is not taken for a name.
func validDNSName(h string) bool {
	labels := strings.Split(h, ".")
	if len(h) > 253 || isDigits(labels[len(labels)-1]) {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
