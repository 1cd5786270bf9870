package feeds

import (
	"testing"

	"github.com/marketbot/marketbot/rag/search/searchtest"
)

var openTestStore = searchtest.Empty

func searchTexts(t testing.TB, st searchtest.Store, q string) []string {
	t.Helper()
	return searchtest.Texts(t, st.Searcher, q)
}
