package feishubot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"

	"github.com/marketbot/marketbot/bot"
)

// The SDK's codec is pbbp2Frame (pbbp2_test.go, a copy of the SDK's
// generated code: importing the SDK's ws package would put gogo/protobuf
// in go.mod).

func sdkFrameOf(f wsFrame) pbbp2Frame {
	s := pbbp2Frame{SeqID: f.SeqID, LogID: f.LogID, Service: f.Service, Method: f.Method,
		PayloadEncoding: f.PayloadEncoding, PayloadType: f.PayloadType, Payload: f.Payload, LogIDNew: f.LogIDNew}
	if f.Headers != nil {
		s.Headers = []pbbp2Header{}
		for _, h := range f.Headers {
			s.Headers = append(s.Headers, pbbp2Header(h))
		}
	}
	return s
}

func sdkHeader(f pbbp2Frame, key string) string {
	for _, h := range f.Headers {
		if h.Key == key {
			return h.Value
		}
	}
	return ""
}

// codecFrames are frames that exercise every field and the varint edges:
// zero and maximal ids, negative int32s (ten-byte varints), absent, empty
// and large payloads (lengths of two and three bytes), long headers.
func codecFrames() []wsFrame {
	event := mustJSON(messageEvent("ev_codec", "om_codec", "p2p", "火山方舟接入了哪些模型？", false, nil))
	return []wsFrame{
		{},
		{Payload: []byte{}},
		{SeqID: 1, LogID: 2, Service: 42, Method: frameControl, Headers: []wsHeader{{"type", "ping"}}},
		{SeqID: 1, LogID: 2, Service: 42, Method: frameControl, Headers: []wsHeader{{"type", "pong"}}, Payload: []byte(`{"PingInterval":90}`)},
		{SeqID: math.MaxUint64, LogID: 1<<63 + 12345, Service: math.MaxInt32, Method: frameData,
			Headers:         []wsHeader{{"type", "event"}, {"message_id", "msg-1"}, {"sum", "1"}, {"seq", "0"}, {"trace_id", "trace-长"}},
			PayloadEncoding: "gzip", PayloadType: "json", Payload: event, LogIDNew: "log-new-20250101"},
		{SeqID: 127, LogID: 128, Service: -1, Method: math.MinInt32, Payload: []byte{}},
		{SeqID: 300, Headers: []wsHeader{{"", ""}, {"k", strings.Repeat("v", 200)}, {strings.Repeat("键", 50), "x"}},
			Payload: bytes.Repeat([]byte{0, 0xff, 'a'}, 6000)}, // 18000 bytes: a three-byte length
		{Method: frameData, Payload: bytes.Repeat([]byte("x"), 129), LogIDNew: strings.Repeat("n", 128)},
	}
}

// TestFrameCodecMatchesSDK: the adapter's frames are byte for byte what
// the SDK marshals, and each side decodes the other's frames to the same
// fields (an absent payload stays nil, an empty one stays empty).
func TestFrameCodecMatchesSDK(t *testing.T) {
	for i, f := range codecFrames() {
		sdk := sdkFrameOf(f)
		want, err := sdk.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		ours := f.marshal()
		if !bytes.Equal(ours, want) {
			t.Errorf("frame %d: marshal = %x…, the SDK's = %x… (%d and %d bytes)", i, head(ours), head(want), len(ours), len(want))
		}
		var bySDK pbbp2Frame
		if err := bySDK.Unmarshal(ours); err != nil {
			t.Errorf("frame %d: the SDK cannot decode ours: %v", i, err)
		} else if d := cmp.Diff(sdk, bySDK); d != "" {
			t.Errorf("frame %d: the SDK decodes ours differently (-sent +decoded):\n%s", i, d)
		}
		var byUs wsFrame
		if err := byUs.unmarshal(want); err != nil {
			t.Errorf("frame %d: cannot decode the SDK's: %v", i, err)
		} else if d := cmp.Diff(f, byUs); d != "" {
			t.Errorf("frame %d: the SDK's decodes differently (-sent +decoded):\n%s", i, d)
		}
	}
}

func head(b []byte) []byte { return b[:min(len(b), 24)] }

// checkDecode decodes data with both codecs: what the SDK finds cut short
// must be an error here too, what both decode must be the same frame, and
// a decoded frame must encode to something the SDK reads back the same.
func checkDecode(t *testing.T, data []byte) (ours wsFrame, ourErr, sdkErr error) {
	t.Helper()
	var sdk pbbp2Frame
	sdkErr = sdk.Unmarshal(data)
	ourErr = ours.unmarshal(data)
	if errors.Is(sdkErr, io.ErrUnexpectedEOF) && ourErr == nil {
		t.Fatalf("%x: the SDK finds it truncated, unmarshal decoded %+v", data, ours)
	}
	if ourErr != nil {
		return ours, ourErr, sdkErr
	}
	if sdkErr == nil {
		if d := cmp.Diff(sdk, sdkFrameOf(ours)); d != "" {
			t.Fatalf("%x: decoded unlike the SDK (-SDK +ours):\n%s", data, d)
		}
	}
	again := ours.marshal()
	var back pbbp2Frame
	if err := back.Unmarshal(again); err != nil {
		t.Fatalf("%x: the SDK cannot read the frame re-encoded: %v", data, err)
	}
	if d := cmp.Diff(sdkFrameOf(ours), back); d != "" {
		t.Fatalf("%x: re-encoded frame reads differently (-decoded +re-read):\n%s", data, d)
	}
	return ours, nil, sdkErr
}

// TestFrameUnmarshalTruncated cuts frames at every byte: a cut inside a
// field is an error, a cut between fields is what the SDK decodes (which
// also checks that the required fields are there: unmarshal does not).
func TestFrameUnmarshalTruncated(t *testing.T) {
	for i, f := range codecFrames() {
		b := f.marshal()
		failed := 0
		for n := range len(b) {
			if len(b) > 4096 && n > 1024 && n < len(b)-1024 && n%101 != 0 {
				continue // large frames: their ends, and a sample of the middle
			}
			_, ourErr, sdkErr := checkDecode(t, b[:n])
			if sdkErr == nil && ourErr != nil {
				t.Fatalf("frame %d cut at %d: the SDK decodes it, unmarshal: %v", i, n, ourErr)
			}
			if ourErr != nil {
				failed++
			}
		}
		if failed == 0 && len(b) > 0 {
			t.Errorf("frame %d: no cut of its %d bytes was an error", i, len(b))
		}
	}
	// Every cut inside a large payload is one.
	f := codecFrames()[6]
	b := f.marshal()
	start := bytes.Index(b, f.Payload)
	for n := start - 3; n < start+len(f.Payload); n += 97 {
		var g wsFrame
		if err := g.unmarshal(b[:n]); err == nil {
			t.Fatalf("cut at %d, inside the payload at %d: no error", n, start)
		}
	}
}

// garbageFrames are malformed frames: each must be an error (for the SDK
// too), never a panic or a huge allocation.
var garbageFrames = []string{
	"\x80",     // tag cut short
	"\x08",     // SeqID without its value
	"\x08\x80", // varint cut short
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", // varint of 77 bits
	"\x08\x01\x10\x02\x18\x03\x20\x01\x42\x05ab",   // payload shorter than its length
	"\x42\xff\xff\xff\xff\xff\xff\xff\xff\x7f",     // payload of 2⁶³ bytes
	"\x42\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", // payload of 2⁶⁴-1 bytes
	"\x2a\x10\x0a\x01k",                            // header longer than the frame
	"\x2a\x04\x0a\x05abc",                          // header's key longer than the header
	"\x2a\x03\x0a\x80\x80",                         // header's key length cut short
	"\x09\x01\x02\x03",                             // 64-bit field cut short
	"\x0d\x01",                                     // 32-bit field cut short
	"\x0b",                                         // group
	"\x0f",                                         // wire type 7
}

func TestFrameUnmarshalGarbage(t *testing.T) {
	for _, g := range garbageFrames {
		var f wsFrame
		err := f.unmarshal([]byte(g))
		if err == nil {
			t.Errorf("%x: decoded as %+v, want an error", g, f)
		}
		var sdk pbbp2Frame
		if sdk.Unmarshal([]byte(g)) == nil {
			t.Errorf("%x: the SDK decodes it: not garbage", g)
		}
	}
}

func FuzzFrameUnmarshal(f *testing.F) {
	for _, fr := range codecFrames() {
		b := fr.marshal()
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	for _, g := range garbageFrames {
		f.Add([]byte(g))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkDecode(t, data) })
}

// TestPbbp2CopyIsTheSDKs checks pbbp2_test.go against the SDK's
// pbbp2.pb.go, token for token after the renames the copy lists.
func TestPbbp2CopyIsTheSDKs(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/larksuite/oapi-sdk-go/v3").Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		t.Skipf("the SDK's module is not on disk: %v", err)
	}
	sdkSrc, err := os.ReadFile(filepath.Join(dir, "ws", "pbbp2.pb.go"))
	if err != nil {
		t.Skipf("the SDK's module is not on disk: %v", err)
	}
	copySrc, err := os.ReadFile("pbbp2_test.go")
	if err != nil {
		t.Fatal(err)
	}
	rename := map[string]string{"Frame": "pbbp2Frame", "Header": "pbbp2Header", "math_bits": "bits",
		"ErrInvalidLengthPbbp2": "errInvalidLengthPbbp2", "ErrIntOverflowPbbp2": "errIntOverflowPbbp2",
		"ErrUnexpectedEndOfGroupPbbp2": "errUnexpectedEndOfGroupPbbp2", "NewRequiredNotSetError": "pbbp2RequiredNotSet"}
	sdkDecls, copyDecls := goDecls(t, sdkSrc, rename), goDecls(t, copySrc, nil)
	compared := 0
	for key, want := range copyDecls {
		if key == "pbbp2RequiredNotSet" || key == "import" {
			continue
		}
		got, ok := sdkDecls[key]
		if !ok {
			t.Errorf("%s is not in the SDK's pbbp2.pb.go", key)
			continue
		}
		if d := cmp.Diff(got, want); d != "" {
			t.Errorf("%s differs from the SDK's (-SDK +copy):\n%s", key, d)
		}
		compared++
	}
	if compared < 12 {
		t.Errorf("compared %d declarations, want the 12 the codec needs", compared)
	}
}

// goDecls returns the tokens of a file's top-level declarations by name
// (Type.Method for methods), identifiers renamed; gogo's package name
// before a selector is dropped.
func goDecls(t *testing.T, src []byte, rename map[string]string) map[string][]string {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "", src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	ren := func(s string) string {
		if r, ok := rename[s]; ok {
			return r
		}
		return s
	}
	decls := map[string][]string{}
	for _, d := range file.Decls {
		var key string
		switch d := d.(type) {
		case *ast.FuncDecl:
			key = ren(d.Name.Name)
			if d.Recv != nil {
				typ := d.Recv.List[0].Type
				if star, ok := typ.(*ast.StarExpr); ok {
					typ = star.X
				}
				key = ren(typ.(*ast.Ident).Name) + "." + key
			}
		case *ast.GenDecl:
			switch s := d.Specs[0].(type) {
			case *ast.TypeSpec:
				key = ren(s.Name.Name)
			case *ast.ValueSpec:
				key = ren(s.Names[0].Name)
			default:
				key = "import"
			}
		}
		part := src[fset.Position(d.Pos()).Offset:fset.Position(d.End()).Offset]
		var s scanner.Scanner
		s.Init(fset.AddFile("", -1, len(part)), part, nil, 0)
		var toks []string
		for {
			_, tok, lit := s.Scan()
			if tok == token.EOF {
				break
			}
			if tok == token.IDENT && lit == "github_com_gogo_protobuf_proto" {
				s.Scan() // the dot
				continue
			}
			if tok == token.IDENT {
				lit = ren(lit)
			}
			toks = append(toks, tok.String()+" "+lit)
		}
		decls[key] = toks
	}
	return decls
}

// newBareAdapter is an adapter on a fake open platform without a bot core
// (no questions can be answered): enough for the connection's life.
func newBareAdapter(t *testing.T) *Adapter {
	fl := newFakeLark(t)
	a, err := Open(Config{AppID: fmt.Sprintf("cli_test_%d", appCounter.Add(1)), AppSecret: "secret", BaseURL: fl.srv.URL}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(context.Background()) })
	return a
}

// fakeFeishuWS is the open platform's side of the long connection: it
// hands out a WebSocket URL at /callback/ws/endpoint and accepts it at
// /ws, speaking frames with the SDK's codec and answering pings with
// pongs that carry the client config, as Feishu does.
type fakeFeishuWS struct {
	t     *testing.T
	srv   *httptest.Server
	appID string
	conns chan *fakeWSConn
	wg    sync.WaitGroup

	mu              sync.Mutex
	endpointCalls   int
	dials           int         // requests to /ws
	endpointStatus  int         // HTTP status of the endpoint's answer; 200 when 0
	endpointCode    int         // code in its answer
	handshake       int         // when not 0, /ws refuses the upgrade with this status
	handshakeHeader http.Header // and these headers
	hold            string      // "endpoint" or "handshake": answer it only when released, or after 5 s
	release         chan struct{}
	open            []*fakeWSConn
}

// fakeWSConn is one accepted WebSocket.
type fakeWSConn struct {
	conn *websocket.Conn
	wmu  sync.Mutex
	done chan struct{} // closed when the client's side is gone

	mu       sync.Mutex
	received []pbbp2Frame
}

const (
	fakeServiceID   = 42
	fakePingSeconds = 1
)

// newFakeFeishuWS starts the fake and points the adapter's long connection
// at it; the adapter's API calls still go to the fake open platform (its
// SDK config holds that address).
func newFakeFeishuWS(t *testing.T, a *Adapter) *fakeFeishuWS {
	f := &fakeFeishuWS{t: t, appID: a.cfg.AppID, conns: make(chan *fakeWSConn, 10), release: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+wsEndpointPath, f.endpoint)
	mux.HandleFunc("GET /ws", f.accept)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		close(f.release)
		f.srv.Close()
		f.mu.Lock()
		for _, c := range f.open {
			c.conn.Close()
		}
		f.mu.Unlock()
		f.wg.Wait()
	})
	a.cfg.BaseURL = f.srv.URL
	return f
}

func (f *fakeFeishuWS) set(fn func(f *fakeFeishuWS)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func (f *fakeFeishuWS) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.endpointCalls
}

func (f *fakeFeishuWS) endpoint(w http.ResponseWriter, r *http.Request) {
	var req struct{ AppID, AppSecret string }
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || r.Header.Get("Content-Type") != "application/json" {
		f.t.Errorf("endpoint request: %v, Content-Type %q", err, r.Header.Get("Content-Type"))
	}
	if req.AppID != f.appID || req.AppSecret != "secret" {
		f.t.Errorf("endpoint asked with %+v, want the app's id and secret", req)
	}
	f.mu.Lock()
	f.endpointCalls++
	status, code := f.endpointStatus, f.endpointCode
	f.mu.Unlock()
	f.wait(r, "endpoint")
	switch {
	case status != 0:
		writeJSON(w, status, map[string]any{"code": status, "msg": "internal error"})
	case code != 0:
		writeJSON(w, http.StatusOK, map[string]any{"code": code, "msg": "app not found", "data": nil})
	default:
		url := "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/ws?device_id=dev-1&service_id=" + strconv.Itoa(fakeServiceID)
		writeJSON(w, http.StatusOK, map[string]any{"code": 0, "msg": "ok", "data": map[string]any{"URL": url,
			"ClientConfig": map[string]any{"ReconnectCount": -1, "ReconnectInterval": 120, "ReconnectNonce": 30, "PingInterval": fakePingSeconds}}})
	}
}

var upgrader = websocket.Upgrader{}

// wait holds a request while step is held, until released, the client
// gives up or 5 s passed.
func (f *fakeFeishuWS) wait(r *http.Request, step string) {
	f.mu.Lock()
	held := f.hold == step
	f.mu.Unlock()
	if held {
		select {
		case <-f.release:
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}
}

func (f *fakeFeishuWS) accept(w http.ResponseWriter, r *http.Request) {
	if q := r.URL.Query(); q.Get("device_id") != "dev-1" || q.Get("service_id") != strconv.Itoa(fakeServiceID) {
		f.t.Errorf("dialled %s, not the endpoint's URL", r.URL)
	}
	f.mu.Lock()
	f.dials++
	status, header := f.handshake, f.handshakeHeader
	f.mu.Unlock()
	f.wait(r, "handshake")
	if r.Context().Err() != nil {
		return // the client gave up
	}
	if status != 0 {
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		return
	}
	f.wg.Add(1) // before the upgrade: httptest's Close waits for the handler until then
	defer f.wg.Done()
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		f.t.Errorf("upgrade: %v", err)
		return
	}
	c := &fakeWSConn{conn: conn, done: make(chan struct{})}
	f.mu.Lock()
	f.open = append(f.open, c)
	f.mu.Unlock()
	f.conns <- c
	c.read(f.t)
}

// read records the client's frames and answers its pings.
func (c *fakeWSConn) read(t *testing.T) {
	defer close(c.done)
	for {
		kind, msg, err := c.conn.ReadMessage()
		if err != nil {
			return
		}
		if kind != websocket.BinaryMessage {
			t.Errorf("the client sent a message of type %d", kind)
			continue
		}
		var fr pbbp2Frame
		if err := fr.Unmarshal(msg); err != nil {
			t.Errorf("the SDK cannot decode a frame the client sent (%x): %v", msg, err)
			continue
		}
		c.mu.Lock()
		c.received = append(c.received, fr)
		c.mu.Unlock()
		if fr.Method == frameControl && sdkHeader(fr, "type") == "ping" {
			conf := fmt.Appendf(nil, `{"ReconnectCount":-1,"ReconnectInterval":120,"ReconnectNonce":30,"PingInterval":%d}`, fakePingSeconds)
			c.send(pbbp2Frame{Service: fr.Service, Method: frameControl, Headers: []pbbp2Header{{Key: "type", Value: "pong"}}, Payload: conf})
		}
	}
}

func (c *fakeWSConn) send(fr pbbp2Frame) error {
	b, err := fr.Marshal()
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.conn.WriteMessage(websocket.BinaryMessage, b)
}

// close ends the connection from the server's side, as Feishu does when
// it moves a connection.
func (c *fakeWSConn) close() {
	c.wmu.Lock()
	c.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, "bye"), time.Now().Add(time.Second))
	c.wmu.Unlock()
	c.conn.Close()
}

func (c *fakeWSConn) frames(keep func(pbbp2Frame) bool) []pbbp2Frame {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []pbbp2Frame
	for _, fr := range c.received {
		if keep(fr) {
			out = append(out, fr)
		}
	}
	return out
}

func (c *fakeWSConn) pings() []pbbp2Frame {
	return c.frames(func(fr pbbp2Frame) bool { return fr.Method == frameControl && sdkHeader(fr, "type") == "ping" })
}

func (c *fakeWSConn) acks(seq uint64) []pbbp2Frame {
	return c.frames(func(fr pbbp2Frame) bool { return fr.Method == frameData && fr.SeqID == seq })
}

// deliver sends an event and returns the frame that acknowledges it.
func (c *fakeWSConn) deliver(t *testing.T, ev pbbp2Frame) pbbp2Frame {
	t.Helper()
	if err := c.send(ev); err != nil {
		t.Fatal(err)
	}
	return c.waitAck(t, ev.SeqID)
}

func (c *fakeWSConn) waitAck(t *testing.T, seq uint64) pbbp2Frame {
	t.Helper()
	waitFor(t, fmt.Sprintf("the ack of frame %d", seq), func() bool { return len(c.acks(seq)) > 0 })
	return c.acks(seq)[0]
}

// wsEvent is an event as Feishu sends it over the long connection.
func wsEvent(seq uint64, payload []byte) pbbp2Frame {
	return pbbp2Frame{SeqID: seq, LogID: 1000 + seq, Service: fakeServiceID, Method: frameData,
		Headers: []pbbp2Header{{Key: "type", Value: "event"}, {Key: "message_id", Value: fmt.Sprintf("msg-%d", seq)},
			{Key: "sum", Value: "1"}, {Key: "seq", Value: "0"}, {Key: "trace_id", Value: fmt.Sprintf("trace-%d", seq)},
			{Key: "timestamp", Value: "1735689600000"}},
		Payload: payload, LogIDNew: fmt.Sprintf("log-%d", seq)}
}

// ackResponse is the payload of an acknowledgement, the SDK's ws.Response.
type ackResponse struct {
	StatusCode int               `json:"code"`
	Headers    map[string]string `json:"headers"`
	Data       []byte            `json:"data"`
}

// checkAck checks that ack is ev sent back with a biz_rt header and a
// response of the given code, and returns the response.
func checkAck(t *testing.T, ev, ack pbbp2Frame, code int) ackResponse {
	t.Helper()
	n := len(ack.Headers)
	if n == 0 || ack.Headers[n-1].Key != "biz_rt" {
		t.Fatalf("ack headers %v: want the event's and biz_rt last", ack.Headers)
	}
	if ms, err := strconv.Atoi(ack.Headers[n-1].Value); err != nil || ms < 0 || ms > 10000 {
		t.Errorf("biz_rt = %q, want milliseconds", ack.Headers[n-1].Value)
	}
	want := ev
	want.Headers = append(append([]pbbp2Header(nil), ev.Headers...), ack.Headers[n-1])
	want.Payload = ack.Payload
	if d := cmp.Diff(want, ack); d != "" {
		t.Errorf("ack is not the event's frame (-want +got):\n%s", d)
	}
	var resp ackResponse
	if err := json.Unmarshal(ack.Payload, &resp); err != nil {
		t.Fatalf("ack payload %q: %v", ack.Payload, err)
	}
	var keys map[string]json.RawMessage
	json.Unmarshal(ack.Payload, &keys)
	if resp.StatusCode != code || len(keys) != 3 || keys["headers"] == nil {
		t.Errorf("ack payload = %s, want code %d, headers and data", ack.Payload, code)
	}
	return resp
}

// longConnRun is RunLongConnection running in the background.
type longConnRun struct {
	cancel context.CancelFunc
	done   chan struct{} // closed when it returned
	err    error         // what it returned
}

// runLongConn runs the long connection until the test ends or cancel is
// called.
func runLongConn(t *testing.T, a *Adapter) *longConnRun {
	ctx, cancel := context.WithCancel(context.Background())
	r := &longConnRun{cancel: cancel, done: make(chan struct{})}
	go func() { r.err = a.RunLongConnection(ctx); close(r.done) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			t.Error("RunLongConnection did not return after its context ended")
		}
	})
	return r
}

// wait returns what RunLongConnection returned, failing the test if it
// does not return within d.
func (r *longConnRun) wait(t *testing.T, d time.Duration) error {
	t.Helper()
	select {
	case <-r.done:
		return r.err
	case <-time.After(d):
		t.Fatalf("RunLongConnection did not return within %v", d)
		return nil
	}
}

func (f *fakeFeishuWS) next(t *testing.T) *fakeWSConn {
	t.Helper()
	select {
	case c := <-f.conns:
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting for the long connection")
		return nil
	}
}

// TestLongConnectionEndToEnd: a message event arrives over the long
// connection, is answered on the open platform and acknowledged with its
// own frame; an event no handler takes is acknowledged with 500; the
// client pings at the interval the endpoint set; Ready follows the
// connection; a connection the server closes is an error to retry.
func TestLongConnectionEndToEnd(t *testing.T) {
	h := newHarness(t, nil)
	fw := newFakeFeishuWS(t, h.adapter)
	run := runLongConn(t, h.adapter)
	c := fw.next(t)
	waitFor(t, "Ready", h.adapter.Ready)

	ev := wsEvent(7, mustJSON(messageEvent("ev_ws1", "om_ws1", "group", "@_user_1 火山方舟接入了哪些模型？", true, nil)))
	ack := c.deliver(t, ev)
	if resp := checkAck(t, ev, ack, http.StatusOK); resp.Data != nil {
		t.Errorf("message ack data = %q, want none", resp.Data)
	}
	if want := `{"code":200,"headers":null,"data":null}`; string(ack.Payload) != want {
		t.Errorf("ack payload = %s, want the SDK's %s", ack.Payload, want)
	}
	waitFor(t, "the answer card", func() bool { return h.lark.answered("om_ws1") })
	if first := h.lark.snapshot()[0]; first.Method != "reply" || first.UUID != "ev_ws1" {
		t.Errorf("first call = %+v, want the placeholder replying to om_ws1", first)
	}

	unknown := map[string]any{"schema": "2.0", "header": map[string]any{"event_id": "ev_x", "event_type": "im.chat.disbanded_v1"}, "event": map[string]any{}}
	ev = wsEvent(8, mustJSON(unknown))
	checkAck(t, ev, c.deliver(t, ev), http.StatusInternalServerError)

	// The first ping goes at once, the next one PingInterval (1 s) later.
	waitFor(t, "two pings", func() bool { return len(c.pings()) >= 2 })
	want := pbbp2Frame{Service: fakeServiceID, Method: frameControl, Headers: []pbbp2Header{{Key: "type", Value: "ping"}}}
	if d := cmp.Diff(want, c.pings()[0]); d != "" {
		t.Errorf("ping frame (-want +got):\n%s", d)
	}
	if !h.adapter.Ready() {
		t.Error("not Ready while connected")
	}

	c.close()
	err := run.wait(t, 10*time.Second)
	if err == nil || bot.IsRefused(err) {
		t.Errorf("connection closed by the server: %v, want an error to retry", err)
	}
	if h.adapter.Ready() {
		t.Error("Ready after the connection ended")
	}
}

// TestLongConnectionSplitEvent: an event split over three frames, sent out
// of order, is handled once, after its last part, put together in order.
func TestLongConnectionSplitEvent(t *testing.T) {
	h := newHarness(t, nil)
	fw := newFakeFeishuWS(t, h.adapter)
	runLongConn(t, h.adapter)
	c := fw.next(t)

	payload := mustJSON(messageEvent("ev_split", "om_split", "p2p", "Kimi支持多长的上下文？", false, nil))
	third := len(payload) / 3
	parts := [][]byte{payload[:third], payload[third : 2*third], payload[2*third:]}
	part := func(seq int) pbbp2Frame {
		f := wsEvent(20, parts[seq])
		f.Headers = []pbbp2Header{{Key: "type", Value: "event"}, {Key: "message_id", Value: "msg-split"},
			{Key: "sum", Value: "3"}, {Key: "seq", Value: strconv.Itoa(seq)}, {Key: "trace_id", Value: "trace-split"}}
		return f
	}
	settle := func(seq uint64, id string) { // an event after which the frames before it were read
		t.Helper()
		c.deliver(t, wsEvent(seq, mustJSON(messageEvent("ev_"+id, id, "p2p", "豆包的价格", false, nil))))
		waitFor(t, "the answer to "+id, func() bool { return h.lark.answered(id) })
	}
	for _, seq := range []int{0, 2} {
		if err := c.send(part(seq)); err != nil {
			t.Fatal(err)
		}
	}
	settle(21, "om_sync1")
	if acks := c.acks(20); len(acks) != 0 {
		t.Fatalf("acked before its last part: %v", acks)
	}
	for _, call := range h.lark.snapshot() {
		if strings.Contains(call.Path, "om_split") {
			t.Fatalf("handled before its last part: %+v", call)
		}
	}

	last := part(1)
	ack := c.deliver(t, last)
	checkAck(t, last, ack, http.StatusOK)
	waitFor(t, "the answer to the split event", func() bool { return h.lark.answered("om_split") })
	settle(22, "om_sync2")
	if acks := c.acks(20); len(acks) != 1 {
		t.Errorf("%d acks for the split event, want 1", len(acks))
	}
}

// TestLongConnectionCardAction: a card button click over the long
// connection records the vote and its toast comes back in the ack.
func TestLongConnectionCardAction(t *testing.T) {
	h := newHarness(t, nil)
	fw := newFakeFeishuWS(t, h.adapter)
	runLongConn(t, h.adapter)
	c := fw.next(t)

	c.deliver(t, wsEvent(30, mustJSON(messageEvent("ev_q30", "om_q30", "p2p", "DeepSeek-V3的训练成本是多少？", false, nil))))
	waitFor(t, "the answer", func() bool { return h.lark.answered("om_q30") })
	final, _ := h.lark.finalCard("om_q30")
	var card struct {
		Elements []struct {
			Tag     string `json:"tag"`
			Actions []struct {
				Value map[string]any `json:"value"`
			} `json:"actions"`
		} `json:"elements"`
	}
	json.Unmarshal([]byte(final), &card)
	var value map[string]any
	for _, el := range card.Elements {
		if el.Tag == "action" && len(el.Actions) > 0 {
			value = el.Actions[0].Value
		}
	}
	answerID, vote, ok := FeedbackVote(value)
	if !ok || vote != 1 {
		t.Fatalf("no 👍 button in %.300s", final)
	}
	click := map[string]any{"schema": "2.0",
		"header": map[string]any{"event_id": "ev_card30", "token": testToken, "event_type": "card.action.trigger", "app_id": "cli_x"},
		"event": map[string]any{"operator": map[string]any{"open_id": "ou_user1"}, "token": "c-token",
			"action": map[string]any{"tag": "button", "value": value}, "host": "im_message",
			"context": map[string]any{"open_message_id": "om_bot_1", "open_chat_id": "oc_chat1"}}}
	ev := wsEvent(31, mustJSON(click))
	resp := checkAck(t, ev, c.deliver(t, ev), http.StatusOK)
	var result any
	if err := json.Unmarshal(resp.Data, &result); err != nil {
		t.Fatalf("ack data %q: %v", resp.Data, err)
	}
	want := map[string]any{"toast": map[string]any{"type": "success", "content": "Thanks — feedback recorded. 感谢反馈！"}}
	if d := cmp.Diff(want, result); d != "" {
		t.Errorf("card callback result (-want +got):\n%s", d)
	}
	if up, down, _ := h.store.Ledger().FeedbackTally(context.Background(), answerID); up != 1 || down != 0 {
		t.Errorf("votes = %d up, %d down; want the click recorded", up, down)
	}
}

// TestLongConnectionRefusals: the endpoint refusing the app, or the
// handshake answering 403, is a refusal (retrying cannot help); the open
// platform being busy or failing is an error to retry.
func TestLongConnectionRefusals(t *testing.T) {
	a := newBareAdapter(t)
	fw := newFakeFeishuWS(t, a)
	for _, tc := range []struct {
		name    string
		setup   func(f *fakeFeishuWS)
		refused bool
		says    string
	}{
		{"endpoint code 10003", func(f *fakeFeishuWS) { f.endpointCode = 10003 }, true, "10003"},
		{"endpoint code 514", func(f *fakeFeishuWS) { f.endpointCode = 514 }, true, "514"},
		{"endpoint busy", func(f *fakeFeishuWS) { f.endpointCode = 1 }, false, "busy"},
		{"endpoint internal error", func(f *fakeFeishuWS) { f.endpointCode = 1000040343 }, false, "1000040343"},
		{"endpoint rate limited", func(f *fakeFeishuWS) { f.endpointCode = 99991400 }, false, "99991400"},
		{"endpoint HTTP 500", func(f *fakeFeishuWS) { f.endpointStatus = 500 }, false, "500"},
		{"endpoint HTTP 502", func(f *fakeFeishuWS) { f.endpointStatus = 502 }, false, "502"},
		{"handshake 503", func(f *fakeFeishuWS) { f.handshake = 503 }, false, "503"},
		{"handshake 403", func(f *fakeFeishuWS) {
			f.handshake, f.handshakeHeader = 403, http.Header{"Handshake-Status": {"403"}, "Handshake-Msg": {"forbidden"}}
		}, true, "403 forbidden"},
		{"handshake 514", func(f *fakeFeishuWS) {
			f.handshake, f.handshakeHeader = 403, http.Header{"Handshake-Status": {"514"}, "Handshake-Msg": {"auth failed"}}
		}, false, "514"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fw.set(func(f *fakeFeishuWS) {
				f.endpointCode, f.endpointStatus, f.handshake, f.handshakeHeader = 0, 0, 0, nil
				tc.setup(f)
			})
			calls := fw.calls()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			err := a.RunLongConnection(ctx)
			switch {
			case err == nil:
				t.Fatal("RunLongConnection returned nil")
			case bot.IsRefused(err) != tc.refused:
				t.Errorf("IsRefused(%v) = %v, want %v", err, !tc.refused, tc.refused)
			case !strings.Contains(err.Error(), tc.says):
				t.Errorf("error %q does not say %q", err, tc.says)
			}
			if fw.calls() != calls+1 {
				t.Errorf("endpoint asked %d times, want once", fw.calls()-calls)
			}
			if a.Ready() {
				t.Error("Ready without a connection")
			}
		})
	}
}

// TestLongConnectionReconnects: under bot.Link, a connection the server
// closes is dialled again (endpoint asked again) and events keep coming;
// cancelling ends Run with nil.
func TestLongConnectionReconnects(t *testing.T) {
	h := newHarness(t, nil)
	fw := newFakeFeishuWS(t, h.adapter)
	a := h.adapter
	link := &bot.Link{Name: "feishu", Connect: a.Connect, Receive: a.RunLongConnection, Receiving: a.Ready,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var runErr error
	go func() { runErr = link.Run(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("Link.Run did not return")
		}
	})

	c1 := fw.next(t)
	waitFor(t, "the link ready", func() bool { ok, _ := link.Ready(); return ok })
	c1.deliver(t, wsEvent(40, mustJSON(messageEvent("ev_r1", "om_r1", "p2p", "豆包的价格是多少？", false, nil))))
	waitFor(t, "the first answer", func() bool { return h.lark.answered("om_r1") })
	c1.close()

	c2 := fw.next(t)
	if n := fw.calls(); n != 2 {
		t.Errorf("endpoint asked %d times, want 2", n)
	}
	waitFor(t, "the link ready again", func() bool { ok, _ := link.Ready(); return ok })
	ev := wsEvent(41, mustJSON(messageEvent("ev_r2", "om_r2", "p2p", "Kimi支持多长的上下文？", false, nil)))
	checkAck(t, ev, c2.deliver(t, ev), http.StatusOK)
	waitFor(t, "the second answer", func() bool { return h.lark.answered("om_r2") })

	cancel()
	select {
	case <-done:
		if runErr != nil {
			t.Errorf("Link.Run = %v after cancel, want nil", runErr)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Link.Run did not return promptly after cancel")
	}
	if a.Ready() {
		t.Error("adapter Ready after the link stopped")
	}
}

// TestLongConnectionCancel: cancelling the context while connected ends
// RunLongConnection promptly with nil, and closes the WebSocket.
func TestLongConnectionCancel(t *testing.T) {
	a := newBareAdapter(t)
	fw := newFakeFeishuWS(t, a)
	run := runLongConn(t, a)
	c := fw.next(t)
	waitFor(t, "Ready", a.Ready)
	start := time.Now()
	run.cancel()
	if err := run.wait(t, 3*time.Second); err != nil {
		t.Errorf("RunLongConnection = %v after cancel, want nil", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v to return after cancel", d)
	}
	if a.Ready() {
		t.Error("Ready after the connection ended")
	}
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
		t.Error("the WebSocket stayed open after cancel")
	}
}

// TestLongConnectionCancelWhileConnecting: cancelling the context while
// the endpoint or the WebSocket handshake has not answered yet also ends
// RunLongConnection promptly with nil.
func TestLongConnectionCancelWhileConnecting(t *testing.T) {
	for _, step := range []string{"endpoint", "handshake"} {
		t.Run(step, func(t *testing.T) {
			a := newBareAdapter(t)
			fw := newFakeFeishuWS(t, a)
			fw.set(func(f *fakeFeishuWS) { f.hold = step })
			asked := func() bool { return fw.calls() == 1 }
			if step == "handshake" {
				asked = func() bool { fw.mu.Lock(); defer fw.mu.Unlock(); return fw.dials == 1 }
			}
			run := runLongConn(t, a)
			waitFor(t, "the "+step+" under way", asked)
			start := time.Now()
			run.cancel()
			if err := run.wait(t, 10*time.Second); err != nil {
				t.Errorf("RunLongConnection = %v after cancel, want nil", err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v to return after cancel", d)
			}
			if a.Ready() {
				t.Error("Ready without a connection")
			}
		})
	}
}

// failingConn is a connection whose writes fail once fail is set.
type failingConn struct {
	net.Conn
	fail *atomic.Bool
}

func (c failingConn) Write(b []byte) (int, error) {
	if c.fail.Load() {
		return 0, errors.New("write: broken pipe")
	}
	return c.Conn.Write(b)
}

// TestLongConnectionEndsWhenWritesFail: once a write fails no later one
// can succeed (the WebSocket's write error sticks), so the connection
// must end, to be dialled again, rather than keep reading events it can
// never acknowledge.
func TestLongConnectionEndsWhenWritesFail(t *testing.T) {
	a := newBareAdapter(t)
	fw := newFakeFeishuWS(t, a)
	var fail atomic.Bool
	d := *websocket.DefaultDialer
	d.NetDialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return failingConn{c, &fail}, nil
	}
	conn, _, err := d.Dial("ws"+strings.TrimPrefix(fw.srv.URL, "http")+"/ws?device_id=dev-1&service_id=42", nil)
	if err != nil {
		t.Fatal(err)
	}
	c := fw.next(t)
	lc := &longConn{a: a, conn: conn, service: fakeServiceID, parts: map[string]*frameParts{}}
	lc.setPing(60) // a silent connection would be noticed in 125 s
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- lc.run(ctx) }()
	waitFor(t, "the first ping", func() bool { return len(c.pings()) == 1 })

	fail.Store(true)
	unknown := map[string]any{"schema": "2.0", "header": map[string]any{"event_id": "ev_w1", "event_type": "im.chat.disbanded_v1"}}
	if err := c.send(wsEvent(50, mustJSON(unknown))); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err == nil {
			t.Error("run = nil, want the write error")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the connection lives on after its ack could not be written")
	}
}
