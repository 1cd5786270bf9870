package main

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/marketbot/marketbot/rag/store/pgtest"
)

// TestMain lets the test binary be marketbot itself, to be signalled as a
// process: with MARKETBOT_TEST_AS_MAIN set, it runs main with the
// arguments in MARKETBOT_TEST_ARGS. Otherwise it runs the tests, and
// stops the PostgreSQL server they may have started.
func TestMain(m *testing.M) {
	if os.Getenv("MARKETBOT_TEST_AS_MAIN") != "" {
		os.Args = append([]string{"marketbot"}, strings.Fields(os.Getenv("MARKETBOT_TEST_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(pgtest.Run(m))
}

// process is "marketbot serve" run as a process (the test binary as
// marketbot, see TestMain), ready on a loopback port; it is stopped with
// SIGINT, then SIGKILL, when the test ends.
type process struct {
	cmd     *exec.Cmd
	stderr  *syncBuffer
	addr    string
	exited  chan struct{}
	exitErr error // once exited is closed
}

// startProcess starts serve with env (over a few defaults) and waits until
// it is ready.
func startProcess(t *testing.T, env []string) *process {
	t.Helper()
	p := &process{stderr: &syncBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(os.Args[0])
	p.cmd.Env = append([]string{"MARKETBOT_TEST_AS_MAIN=1", "MARKETBOT_TEST_ARGS=serve", "HOME=" + t.TempDir(),
		"PATH=" + os.Getenv("PATH"), "MARKETBOT_ADDR=127.0.0.1:0"}, env...)
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.exitErr = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		p.cmd.Process.Signal(os.Interrupt)
		select {
		case <-p.exited:
		case <-time.After(30 * time.Second):
			p.cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("serve %s's log (the end):\n%s", p.addr, tail(p.stderr.String(), 3000))
		}
	})
	addrRE := regexp.MustCompile(`serving on (\S+)`)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if m := addrRE.FindStringSubmatch(p.stderr.String()); m != nil {
			p.addr = m[1]
			if resp, err := http.Get("http://" + p.addr + "/readyz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return p
				}
			}
		}
		select {
		case <-p.exited:
			t.Fatalf("serve exited:\n%s", p.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not become ready:\n%s", p.stderr.String())
		}
	}
}

// servingProcess is serve as a process with Slack's HTTP Events API
// against a fake Slack, and a fake model that holds every request until
// release is closed.
type servingProcess struct {
	*process
	rec      *loadRecorder
	arrived  chan struct{} // a question reached the model
	release  chan struct{}
	released bool
}

const shutdownSecret = "shutdown-signing-secret"

func startServingProcess(t *testing.T) *servingProcess {
	t.Helper()
	p := &servingProcess{rec: &loadRecorder{}, arrived: make(chan struct{}, 10), release: make(chan struct{})}
	llm := newLoadLLM(func() {
		p.arrived <- struct{}{}
		<-p.release
	})
	t.Cleanup(llm.srv.Close)
	slack := httptest.NewServer(p.rec.slackAPI())
	t.Cleanup(slack.Close)
	p.process = startProcess(t, []string{"MARKETBOT_DATA_DIR=" + t.TempDir(),
		"OPENAI_BASE_URL=" + llm.srv.URL + "/v1", "OPENAI_API_KEY=sk-shutdown", "MARKETBOT_CHAT_MODEL=m", "MARKETBOT_LLM_TIMEOUT=2m",
		"SLACK_BOT_TOKEN=xoxb-shutdown", "SLACK_SIGNING_SECRET=" + shutdownSecret, "SLACK_API_URL=" + slack.URL + "/api"})
	t.Cleanup(func() { // before the process is stopped (cleanups run last first)
		if !p.released {
			close(p.release)
		}
	})
	return p
}

// ask sends question i as a signed mention, and waits for it to reach the model.
func (p *servingProcess) ask(t *testing.T, i int) {
	t.Helper()
	r := slackLoadRequest(p.addr, shutdownSecret, i, false)
	resp, err := http.DefaultClient.Do(r.req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("event: %v %v", resp, err)
	}
	resp.Body.Close()
	select {
	case <-p.arrived:
	case <-time.After(20 * time.Second):
		t.Fatalf("the question did not reach the model:\n%s", p.stderr.String())
	}
}

// sigterm sends SIGTERM, the first time waiting until serve says it is
// shutting down.
func (p *servingProcess) sigterm(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(p.stderr.String(), `"shutting down"`); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no shutdown after SIGTERM:\n%s", p.stderr.String())
		}
	}
}

// TestGracefulShutdown: on SIGTERM serve stops taking events, finishes
// the answer in flight, and exits 0.
func TestGracefulShutdown(t *testing.T) {
	p := startServingProcess(t)
	p.ask(t, 1)
	p.sigterm(t)
	// New events are no longer taken: the listener is closed.
	if resp, err := http.Get("http://" + p.addr + "/readyz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Error("still ready after SIGTERM")
		}
	}
	time.Sleep(500 * time.Millisecond) // the answer is still held: serve must wait for it
	select {
	case <-p.exited:
		t.Fatalf("serve exited with an answer in flight: %v\n%s", p.exitErr, p.stderr.String())
	default:
	}
	close(p.release)
	p.released = true
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not exit after the answer was sent:\n%s", p.stderr.String())
	}
	if p.exitErr != nil {
		t.Errorf("serve exited with %v, want status 0\n%s", p.exitErr, p.stderr.String())
	}
	finals := 0
	p.rec.mu.Lock()
	defer p.rec.mu.Unlock()
	for _, c := range p.rec.calls {
		if c.final && c.question == "CLOAD001" {
			finals++
			if !strings.Contains(c.content, loadAnswer) {
				t.Errorf("the answer in flight was not the model's: %.300s", c.content)
			}
		}
	}
	if finals != 1 {
		t.Errorf("%d final answers to the question in flight, want 1\n%s", finals, p.stderr.String())
	}
	if !strings.Contains(p.stderr.String(), `"msg":"stopped"`) {
		t.Errorf("serve did not say it stopped:\n%s", p.stderr.String())
	}
}

// TestSecondSignalExits: a second SIGTERM ends serve at once, without
// waiting for the answer in flight.
func TestSecondSignalExits(t *testing.T) {
	p := startServingProcess(t)
	p.ask(t, 2)
	p.sigterm(t)
	start := time.Now()
	p.sigterm(t)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		t.Fatalf("serve still running 10 s after a second SIGTERM:\n%s", p.stderr.String())
	}
	exitErr, ok := errors.AsType[*exec.ExitError](p.exitErr)
	if !ok {
		t.Fatalf("serve exited with %v after a second SIGTERM, want killed by it", p.exitErr)
	}
	if ws, ok := exitErr.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
		t.Errorf("serve ended with %v, want killed by SIGTERM", exitErr)
	}
	t.Logf("exited %v after the second signal", time.Since(start).Round(time.Millisecond))
}
