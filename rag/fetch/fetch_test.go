package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestGetConditionalAndLimits(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/feed":
			if r.Header.Get("If-None-Match") == `"v1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", `"v1"`)
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, "<rss/>")
		case "/big":
			fmt.Fprint(w, strings.Repeat("x", 2000))
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/slow":
			time.Sleep(500 * time.Millisecond)
		case "/ftp":
			http.Redirect(w, r, "ftp://example.com/x", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	f := New(Options{AllowPrivate: true, MaxBytes: 1000, Timeout: 200 * time.Millisecond})
	ctx := context.Background()
	r, err := f.Get(ctx, srv.URL+"/feed", Validators{})
	if err != nil || string(r.Body) != "<rss/>" || r.Validators.ETag != `"v1"` || !IsFeedType(r.ContentType) {
		t.Fatalf("first fetch: %+v, %v", r, err)
	}
	r, err = f.Get(ctx, srv.URL+"/feed", r.Validators)
	if err != nil || !r.NotModified || r.Validators.ETag != `"v1"` {
		t.Errorf("conditional fetch: %+v, %v", r, err)
	}
	for path, want := range map[string]string{"/big": "larger than", "/loop": "redirects", "/slow": "Timeout", "/ftp": "ftp", "/missing": "HTTP 404"} {
		if _, err := f.Get(ctx, srv.URL+path, Validators{}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error mentioning %q", path, err, want)
		}
	}
	if _, err := f.Get(ctx, "file:///etc/passwd", Validators{}); err == nil {
		t.Error("a file URL was fetched")
	}
}

func TestPrivateAddressesRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "secret") }))
	defer srv.Close()
	f := New(Options{})
	for _, u := range []string{srv.URL, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1), "http://[::1]:1/", "http://169.254.169.254/latest/meta-data/"} {
		_, err := f.Get(context.Background(), u, Validators{})
		if !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("%s: %v, want ErrForbiddenAddress", u, err)
		}
	}
	// A public server that redirects inward is refused too.
	for _, ip := range []string{"10.1.2.3", "192.168.0.1", "172.16.5.4", "fd00::1", "100.64.0.1", "::ffff:127.0.0.1"} {
		if !forbidden(netip.MustParseAddr(ip)) {
			t.Errorf("%s is not forbidden", ip)
		}
	}
	for _, ip := range []string{"8.8.8.8", "2606:4700::1111"} {
		if forbidden(netip.MustParseAddr(ip)) {
			t.Errorf("%s is forbidden", ip)
		}
	}
}
