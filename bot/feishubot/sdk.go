package feishubot

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	larkcore "github.com/larksuite/oapi-sdk-go/v3/core"
	larkevent "github.com/larksuite/oapi-sdk-go/v3/event"
	"github.com/larksuite/oapi-sdk-go/v3/event/dispatcher"
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

// stdoutMu serialises newDispatcher's swap of os.Stdout.
var stdoutMu sync.Mutex

// newDispatcher returns the SDK's event dispatcher with its log lines sent
// to slog. The SDK's constructor prints "[Info] [event-dispatch is ready]"
// to the process's stdout with a logger of its own before any option can
// be set, so stdout points at the null device for the length of that call.
func newDispatcher(cfg Config) *dispatcher.EventDispatcher {
	d := quietStdout(func() *dispatcher.EventDispatcher {
		return dispatcher.NewEventDispatcher(cfg.VerificationToken, cfg.EncryptKey)
	})
	d.InitConfig(larkevent.WithLogger(sdkLogger{cfg.Logger}), larkevent.WithLogLevel(larkcore.LogLevelWarn))
	return d
}

// quietStdout runs f with os.Stdout pointing at the null device.
func quietStdout[T any](f func() T) T {
	stdoutMu.Lock()
	defer stdoutMu.Unlock()
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return f()
	}
	defer null.Close()
	saved := os.Stdout
	os.Stdout = null
	defer func() { os.Stdout = saved }()
	return f()
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
