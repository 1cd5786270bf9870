package bot

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/marketbot/marketbot/rag/store"
	"github.com/marketbot/marketbot/rag/store/ledger"
)

// TestThreadsSharedByReplicas: with the store's durable Threads, a
// follow-up in a thread answered by one replica reaches another (or the
// same after a restart) with the thread's context, and counts as a
// thread the bot knows.
func TestThreadsSharedByReplicas(t *testing.T) {
	st, err := store.Open(context.Background(), t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fa := &fakeAnswerer{}
	one := New(fa, fakeCorpus{}, Options{Threads: st.Ledger()})
	two := New(fa, fakeCorpus{}, Options{Threads: st.Ledger()})
	ctx := context.Background()
	first := Question{Platform: "slack", Conversation: "C1", MessageID: "100.1", Text: "When was Doubao launched?"}
	one.Handle(ctx, first, nil)
	follow := Question{Platform: "slack", Conversation: "C1", Thread: "100.1", MessageID: "100.2", Text: "and its price?"}
	if !two.KnowsThread(ctx, follow) {
		t.Error("the other replica does not know the thread")
	}
	two.Handle(ctx, follow, nil)
	want := []ledger.Turn{{Question: "standalone: When was Doubao launched?", Answer: "answer to When was Doubao launched? [1]"}}
	if d := cmp.Diff(want, fa.history[1]); d != "" {
		t.Errorf("the follow-up's history on the other replica (-want +got):\n%s", d)
	}
	if two.KnowsThread(ctx, Question{Platform: "slack", Conversation: "C1", Thread: "999.9"}) {
		t.Error("a thread the bot never answered in is known")
	}
}
