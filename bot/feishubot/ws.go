package feishubot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/marketbot/marketbot/bot"
)

// The long connection is Feishu's WebSocket protocol as the SDK's ws
// package (v3.12.0) speaks it, written here because that package imports
// the SDK's root package and with it all 140 service packages: ask
// /callback/ws/endpoint for a URL with the app id and secret, dial it,
// ping every PingInterval, and answer each event frame with a frame that
// carries the handler's result. Events go to the same handlers as the
// webhook's.

// wsEndpointPath is where the long connection's URL is handed out.
const wsEndpointPath = "/callback/ws/endpoint"

// Codes of the endpoint's answer and of the handshake.
const (
	wsSystemBusy    = 1
	wsInternalError = 1000040343
	wsForbidden     = 403
)

// Frame methods and the header that says what a frame carries.
const (
	frameControl = 0
	frameData    = 1
)

// wsSettings are the connection's timings; the endpoint's ClientConfig and
// every pong may change them.
type wsSettings struct {
	PingInterval int `json:"PingInterval,omitempty"` // seconds
}

// RunLongConnection receives events and card callbacks over Feishu's long
// connection (no public URL needed) until ctx ends (nil) or the connection
// drops (an error: call it again, after a pause). Feishu delivers each
// event to one connected instance; the answer frame acknowledges it when
// the handler returns, and the handlers only enqueue. Credentials or an
// app the open platform refuses are a *bot.RefusedError.
func (a *Adapter) RunLongConnection(ctx context.Context) error {
	a.longConn.Store(true)
	endpoint, settings, err := a.wsEndpoint(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	conn, resp, err := dial(ctx, endpoint)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return handshakeError(resp, err)
	}
	u, _ := url.Parse(endpoint)
	service, _ := strconv.ParseInt(u.Query().Get("service_id"), 10, 32)
	lc := &longConn{a: a, conn: conn, service: int32(service), parts: map[string]*frameParts{}}
	lc.setPing(settings.PingInterval)
	a.connected.Store(true)
	a.log.Info("feishu: long connection up", "endpoint", u.Scheme+"://"+u.Host)
	err = lc.run(ctx)
	a.connected.Store(false)
	if ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("feishu: long connection lost: %w", err)
}

// dial opens the WebSocket. Once the TCP connection is up the dialer only
// applies ctx's deadline (its 45 s handshake timeout), not its end: the
// connection is closed when ctx ends during the handshake.
func dial(ctx context.Context, endpoint string) (*websocket.Conn, *http.Response, error) {
	d := *websocket.DefaultDialer
	var stop func() bool
	d.NetDialContext = func(dctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(dctx, network, addr)
		if err == nil {
			stop = context.AfterFunc(ctx, func() { c.Close() })
		}
		return c, err
	}
	conn, resp, err := d.DialContext(ctx, endpoint, nil)
	if stop != nil {
		stop()
	}
	return conn, resp, err
}

// wsEndpoint asks the open platform for the long connection's URL.
func (a *Adapter) wsEndpoint(ctx context.Context) (string, wsSettings, error) {
	body, _ := json.Marshal(map[string]string{"AppID": a.cfg.AppID, "AppSecret": a.cfg.AppSecret})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.cfg.BaseURL+wsEndpointPath, bytes.NewReader(body))
	if err != nil {
		return "", wsSettings{}, fmt.Errorf("feishu: long connection endpoint: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("locale", "zh")
	resp, err := a.sdk.HttpClient.Do(req)
	if err != nil {
		return "", wsSettings{}, fmt.Errorf("feishu: open platform not available (long connection endpoint): %w", err)
	}
	defer resp.Body.Close()
	var answer struct {
		Code int    `json:"code"`
		Msg  string `json:"msg"`
		Data struct {
			URL          string     `json:"URL"`
			ClientConfig wsSettings `json:"ClientConfig"`
		} `json:"data"`
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err == nil && resp.StatusCode == http.StatusOK {
		err = json.Unmarshal(raw, &answer)
	}
	switch {
	case err != nil || resp.StatusCode != http.StatusOK:
		return "", wsSettings{}, fmt.Errorf("feishu: open platform not available (long connection endpoint): HTTP %d", resp.StatusCode)
	case answer.Code == wsSystemBusy || answer.Code == wsInternalError || answer.Code == codeRateLimited:
		return "", wsSettings{}, fmt.Errorf("feishu: long connection endpoint busy: code %d: %s", answer.Code, answer.Msg)
	case answer.Code != 0:
		return "", wsSettings{}, &bot.RefusedError{Err: fmt.Errorf("feishu: long connection refused (check the app id and secret, and that the app subscribes to events over the long connection): code %d: %s", answer.Code, answer.Msg)}
	case answer.Data.URL == "":
		return "", wsSettings{}, errors.New("feishu: long connection endpoint: no URL in the answer")
	}
	return answer.Data.URL, answer.Data.ClientConfig, nil
}

// handshakeError says why the WebSocket handshake failed: 403 is a
// refusal, anything else may pass.
func handshakeError(resp *http.Response, err error) error {
	if resp == nil {
		return fmt.Errorf("feishu: open platform not available (long connection): %w", err)
	}
	code, _ := strconv.Atoi(resp.Header.Get("Handshake-Status"))
	if code == 0 {
		code = resp.StatusCode
	}
	err = fmt.Errorf("feishu: long connection handshake: %d %s", code, resp.Header.Get("Handshake-Msg"))
	if code == wsForbidden {
		return &bot.RefusedError{Err: err}
	}
	return err
}

// longConn is one WebSocket connection to Feishu.
type longConn struct {
	a       *Adapter
	conn    *websocket.Conn
	service int32
	writeMu sync.Mutex
	ping    time.Duration // guarded by writeMu
	parts   map[string]*frameParts
	wg      sync.WaitGroup
}

// frameParts collects an event split over several frames.
type frameParts struct {
	got   [][]byte
	first time.Time
}

// pongGrace is how long past two ping intervals a silent connection is
// given before it counts as dead.
const pongGrace = 5 * time.Second

func (lc *longConn) setPing(seconds int) {
	lc.writeMu.Lock()
	defer lc.writeMu.Unlock()
	if seconds > 0 {
		lc.ping = time.Duration(seconds) * time.Second
	} else if lc.ping == 0 {
		lc.ping = 2 * time.Minute
	}
}

func (lc *longConn) pingInterval() time.Duration {
	lc.writeMu.Lock()
	defer lc.writeMu.Unlock()
	return lc.ping
}

// run reads frames until the connection fails or ctx ends, pinging all
// along; handlers still running are waited for.
func (lc *longConn) run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	context.AfterFunc(ctx, func() { lc.conn.Close() }) // unblocks the read
	defer func() { cancel(); lc.wg.Wait() }()
	lc.wg.Go(func() { lc.pinger(ctx) })
	for {
		lc.conn.SetReadDeadline(time.Now().Add(2*lc.pingInterval() + pongGrace))
		kind, msg, err := lc.conn.ReadMessage()
		if err != nil {
			return err
		}
		if kind != websocket.BinaryMessage {
			continue
		}
		var f wsFrame
		if err := f.unmarshal(msg); err != nil {
			lc.a.log.Warn("feishu: undecodable long-connection frame", "err", err)
			continue
		}
		switch f.Method {
		case frameControl:
			if f.header("type") == "pong" && len(f.Payload) > 0 {
				var s wsSettings
				if json.Unmarshal(f.Payload, &s) == nil {
					lc.setPing(s.PingInterval)
				}
			}
		case frameData:
			if payload, ok := lc.assemble(f); ok && f.header("type") == "event" {
				lc.wg.Go(func() { lc.handle(ctx, f, payload) })
			}
		}
	}
}

// pinger sends a ping frame every ping interval.
func (lc *longConn) pinger(ctx context.Context) {
	for {
		ping := wsFrame{Service: lc.service, Method: frameControl, Headers: []wsHeader{{"type", "ping"}}}
		if lc.write(ping) != nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(lc.pingInterval()):
		}
	}
}

// assemble returns an event's whole payload once all its frames arrived.
func (lc *longConn) assemble(f wsFrame) ([]byte, bool) {
	sum, _ := strconv.Atoi(f.header("sum"))
	if sum <= 1 {
		return f.Payload, true
	}
	seq, _ := strconv.Atoi(f.header("seq"))
	if seq < 0 || seq >= sum {
		return nil, false
	}
	now := time.Now()
	for id, p := range lc.parts {
		if now.Sub(p.first) > 5*time.Second {
			delete(lc.parts, id) // the rest never came
		}
	}
	id := f.header("message_id")
	p := lc.parts[id]
	if p == nil || len(p.got) != sum {
		p = &frameParts{got: make([][]byte, sum), first: now}
		lc.parts[id] = p
	}
	p.got[seq] = f.Payload
	for _, part := range p.got {
		if part == nil {
			return nil, false
		}
	}
	delete(lc.parts, id)
	return bytes.Join(p.got, nil), true
}

// handle gives an event to its handler and answers its frame with the
// result: {"code":200,"data":…}, or 500 when the handler failed.
func (lc *longConn) handle(ctx context.Context, f wsFrame, payload []byte) {
	start := time.Now()
	result, err := lc.a.dispatch(ctx, payload)
	answer := struct {
		Code    int               `json:"code"`
		Headers map[string]string `json:"headers"`
		Data    []byte            `json:"data"`
	}{Code: http.StatusOK}
	if err != nil {
		lc.a.log.Warn("feishu: long-connection event not handled", "err", err)
		answer.Code = http.StatusInternalServerError
	} else if result != nil {
		if answer.Data, err = json.Marshal(result); err != nil {
			answer.Code = http.StatusInternalServerError
		}
	}
	f.Payload, _ = json.Marshal(answer)
	f.Headers = append(f.Headers, wsHeader{"biz_rt", strconv.FormatInt(time.Since(start).Milliseconds(), 10)})
	if err := lc.write(f); err != nil {
		lc.a.log.Warn("feishu: could not acknowledge a long-connection event", "err", err)
	}
}

// write sends one frame. A failed write ends the connection: the
// WebSocket's write error sticks, so no ack or ping could follow.
func (lc *longConn) write(f wsFrame) error {
	lc.writeMu.Lock()
	defer lc.writeMu.Unlock()
	lc.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	err := lc.conn.WriteMessage(websocket.BinaryMessage, f.marshal())
	if err != nil {
		lc.conn.Close() // unblocks the read: the connection is dialled again
	}
	return err
}
