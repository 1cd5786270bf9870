package feishubot

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	larkcore "github.com/larksuite/oapi-sdk-go/v3/core"
)

// FeishuBaseURL is the open platform's address in mainland China; Lark's
// is https://open.larksuite.com.
const FeishuBaseURL = "https://open.feishu.cn"

// newSDKConfig is what the SDK's root client would build, without
// importing the root package (which links every one of the SDK's 140
// service packages): a self-built app's credentials, a cached tenant
// token, a 15 s request timeout and the SDK's log lines sent to slog.
func newSDKConfig(cfg Config) *larkcore.Config {
	c := &larkcore.Config{
		BaseUrl:          cfg.BaseURL,
		AppId:            cfg.AppID,
		AppSecret:        cfg.AppSecret,
		AppType:          larkcore.AppTypeSelfBuilt,
		EnableTokenCache: true,
		ReqTimeout:       15 * time.Second,
		LogLevel:         larkcore.LogLevelError,
		Logger:           sdkLogger{cfg.Logger},
	}
	larkcore.NewLogger(c)
	larkcore.NewCache(c)
	larkcore.NewSerialization(c)
	larkcore.NewHttpClient(c)
	return c
}

// sdkLogger passes the SDK's own log lines to slog, one level quieter:
// its errors are ours to report, with our ids.
type sdkLogger struct{ log *slog.Logger }

func (l sdkLogger) Debug(context.Context, ...any) {}
func (l sdkLogger) Info(_ context.Context, args ...any) {
	l.log.Debug(fmt.Sprint(args...), "from", "lark-sdk")
}
func (l sdkLogger) Warn(_ context.Context, args ...any) {
	l.log.Warn(fmt.Sprint(args...), "from", "lark-sdk")
}
func (l sdkLogger) Error(_ context.Context, args ...any) {
	l.log.Warn(fmt.Sprint(args...), "from", "lark-sdk")
}
