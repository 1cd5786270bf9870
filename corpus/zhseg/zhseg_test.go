package zhseg

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func texts(ws []Word, contentOnly bool) []string {
	var out []string
	for _, w := range ws {
		if !contentOnly || w.Content() {
			out = append(out, w.Text)
		}
	}
	return out
}

func TestSegment(t *testing.T) {
	for _, tc := range []struct {
		in      string
		all     string
		content string
	}{
		{"火山方舟接入了哪些模型", "火山/方舟/接入/了/哪些/模型", "火山/方舟/接入/模型"},
		{"豆包一块钱大概能处理多少汉字", "", "豆包/处理/汉字"},
		{"2024年中国新能源汽车销量是多少？", "", "中国/能源/汽车/销量"},
		{"最近一线城市房地产价格走势如何", "", "城市/房地产/价格/走势"},
		{"双十一全网成交额", "", "全网/成交额"},
		{"阳光电源前三季度海外收入", "", "阳光/电源/海外/收入"}, // a place word tells a market's side
	} {
		ws := Segment(tc.in)
		if tc.all != "" {
			if d := cmp.Diff(tc.all, strings.Join(texts(ws, false), "/")); d != "" {
				t.Errorf("Segment(%q) (-want +got):\n%s", tc.in, d)
			}
		}
		if tc.content != "" {
			if d := cmp.Diff(tc.content, strings.Join(texts(ws, true), "/")); d != "" {
				t.Errorf("content words of %q (-want +got):\n%s", tc.in, d)
			}
		}
		t.Logf("%s → %v", tc.in, ws)
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		load()
	}
}
