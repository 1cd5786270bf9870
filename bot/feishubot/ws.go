package feishubot

import (
	"context"
	"fmt"

	larkcore "github.com/larksuite/oapi-sdk-go/v3/core"
	larkws "github.com/larksuite/oapi-sdk-go/v3/ws"
)

// RunLongConnection receives events and card callbacks over Feishu's long
// connection (no public URL needed) until ctx ends. Feishu delivers each
// event to one connected instance; the SDK acknowledges it when the
// handler returns, and the handlers only enqueue.
func (a *Adapter) RunLongConnection(ctx context.Context) error {
	a.longConn.Store(true)
	up := func() { a.connected.Store(true) }
	down := func() { a.connected.Store(false) }
	cli := larkws.NewClient(a.cfg.AppID, a.cfg.AppSecret,
		larkws.WithEventHandler(a.dispatcher),
		larkws.WithOnReady(up), larkws.WithOnReconnected(up),
		larkws.WithOnReconnecting(down), larkws.WithOnDisconnected(down),
		larkws.WithDomain(a.cfg.BaseURL),
		larkws.WithLogger(sdkLogger{a.cfg.Logger}),
		larkws.WithLogLevel(larkcore.LogLevelWarn))
	err := cli.Start(ctx)
	if ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("feishu: long connection: %w", err)
}
