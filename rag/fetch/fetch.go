// Package fetch gets web pages and feeds safely: http and https only,
// timeouts, a size limit, a bounded number of redirects, conditional
// requests (ETag, Last-Modified), and no connections to loopback,
// private, link-local or otherwise internal addresses unless allowed —
// checked on the address actually dialled, so DNS tricks and redirects
// cannot reach them.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Options configure a Fetcher.
type Options struct {
	AllowPrivate bool          // allow loopback and private addresses (tests, intranets)
	Timeout      time.Duration // whole request, body included; default 20s
	MaxBytes     int64         // largest body read; default 10 MiB
	MaxRedirects int           // default 5
	UserAgent    string        // default "marketbot/1 (+https://github.com/marketbot/marketbot)"
}

// Fetcher fetches URLs under its Options. It is safe for concurrent use.
type Fetcher struct {
	client *http.Client
	opt    Options
}

// ErrForbiddenAddress is returned for URLs that resolve to an address the
// fetcher may not reach.
var ErrForbiddenAddress = errors.New("address not allowed (loopback, private or link-local)")

// New returns a Fetcher.
func New(opt Options) *Fetcher {
	if opt.Timeout <= 0 {
		opt.Timeout = 20 * time.Second
	}
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = 10 << 20
	}
	if opt.MaxRedirects <= 0 {
		opt.MaxRedirects = 5
	}
	if opt.UserAgent == "" {
		opt.UserAgent = "marketbot/1 (+https://github.com/marketbot/marketbot)"
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
		if opt.AllowPrivate {
			return nil
		}
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		ip, err := netip.ParseAddr(host)
		if err != nil || forbidden(ip) {
			return fmt.Errorf("%s: %w", host, ErrForbiddenAddress)
		}
		return nil
	}}
	transport := &http.Transport{
		DialContext:           dialer.DialContext,
		Proxy:                 nil, // a proxy would dial for us, past the check above
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 15 * time.Second,
		MaxIdleConnsPerHost:   2,
	}
	client := &http.Client{Transport: transport, Timeout: opt.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= opt.MaxRedirects {
				return fmt.Errorf("more than %d redirects", opt.MaxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("redirect to a %s URL", req.URL.Scheme)
			}
			return nil
		}}
	return &Fetcher{client: client, opt: opt}
}

// forbidden reports addresses that are not on the public internet.
func forbidden(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast() ||
		netip.MustParsePrefix("100.64.0.0/10").Contains(ip) || // carrier-grade NAT
		netip.MustParsePrefix("192.0.0.0/24").Contains(ip) ||
		netip.MustParsePrefix("198.18.0.0/15").Contains(ip) ||
		netip.MustParsePrefix("240.0.0.0/4").Contains(ip) ||
		netip.MustParsePrefix("64:ff9b::/96").Contains(ip)
}

// Validators are what a server said about a resource's version, for the
// next conditional request.
type Validators struct {
	ETag, LastModified string
}

// Response is a fetched resource.
type Response struct {
	URL         string // after redirects
	Status      int
	ContentType string
	Body        []byte
	NotModified bool // the validators still match: no body
	Validators  Validators
}

// Get fetches rawURL, sending the validators of a previous fetch, if any.
// A status other than 200 or 304 is an error.
func (f *Fetcher) Get(ctx context.Context, rawURL string, v Validators) (*Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("fetch %q: only http and https URLs can be fetched", rawURL)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	req.Header.Set("User-Agent", f.opt.UserAgent)
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/json, text/html, application/xml, text/xml;q=0.9, */*;q=0.5")
	if v.ETag != "" {
		req.Header.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		req.Header.Set("If-Modified-Since", v.LastModified)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	defer resp.Body.Close()
	out := &Response{URL: resp.Request.URL.String(), Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"),
		Validators: Validators{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}}
	switch resp.StatusCode {
	case http.StatusNotModified:
		out.NotModified = true
		if out.Validators == (Validators{}) {
			out.Validators = v
		}
		return out, nil
	case http.StatusOK:
	default:
		return nil, fmt.Errorf("fetch %s: HTTP %d", rawURL, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.opt.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	if int64(len(body)) > f.opt.MaxBytes {
		return nil, fmt.Errorf("fetch %s: larger than %d bytes", rawURL, f.opt.MaxBytes)
	}
	out.Body = body
	return out, nil
}

// IsFeedType reports whether a content type is that of a feed.
func IsFeedType(contentType string) bool {
	ct := strings.ToLower(contentType)
	return strings.Contains(ct, "rss") || strings.Contains(ct, "atom") || strings.Contains(ct, "feed+json") ||
		strings.Contains(ct, "/xml") || strings.Contains(ct, "+xml")
}
