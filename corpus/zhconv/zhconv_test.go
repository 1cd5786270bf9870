package zhconv

import (
	"testing"
	"unicode/utf8"
)

func TestToSimplified(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"字節跳動", "字节跳动"},
		{"大型語言模型", "大型语言模型"},
		{"市場調整", "市场调整"},
		{"軟體", "软件"},               // Taiwan vocabulary, TWPhrasesRev
		{"資料中心", "数据中心"},           // Taiwan 資料 is mainland 数据
		{"輝達", "辉达"},               // Nvidia's Taiwan name
		{"一目瞭然", "一目了然"},           // a TSPhrases entry, not the character 瞭
		{"火山方舟", "火山方舟"},           // already Simplified
		{"GPT-4o 價格", "GPT-4o 价格"}, // Latin untouched
		{"", ""},
	} {
		if got := ToSimplified(tc.in); got != tc.want {
			t.Errorf("ToSimplified(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestIsTraditional(t *testing.T) {
	for r, want := range map[rune]bool{'場': true, '场': false, '火': false, '體': true, 'A': false} {
		if got := IsTraditional(r); got != want {
			t.Errorf("IsTraditional(%q) = %v, want %v", r, got, want)
		}
	}
}

func BenchmarkToSimplified(b *testing.B) {
	s := "2024年5月15日，火山引擎在春季原動力大會上發布豆包大模型家族，主力模型在企業市場的定價為0.0008元/千Tokens，比行業便宜99.3%。"
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		ToSimplified(s)
	}
}

// FuzzToSimplified checks that any input converts without panicking and
// that valid UTF-8 stays valid.
func FuzzToSimplified(f *testing.F) {
	for _, s := range []string{"字節跳動", "一目瞭然", "SQL隱碼攻擊", "\xe5\xad\x97\xe7", "軟\xff體"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := ToSimplified(s)
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("ToSimplified(%q) = %q: invalid UTF-8", s, out)
		}
	})
}
