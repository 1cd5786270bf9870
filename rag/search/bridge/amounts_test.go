package bridge

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAmountForms(t *testing.T) {
	en, zh := amountForms(4e10)
	if d := cmp.Diff([]string{"40 billion", "40 bn", "40 b"}, en); d != "" {
		t.Errorf("amountForms(4e10) English (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"400"}, zh); d != "" {
		t.Errorf("amountForms(4e10) Chinese (-want +got):\n%s", d)
	}
}

func TestUnitNames(t *testing.T) {
	want := []Word{{Toks: []string{"纳米"}}, {Toks: []string{"nanometer"}}, {Toks: []string{"nanometre"}}, {Toks: []string{"nanometers"}}, {Toks: []string{"nanometres"}}}
	if d := cmp.Diff(want, UnitNames("nm")); d != "" {
		t.Errorf("UnitNames(nm) (-want +got):\n%s", d)
	}
	if got := UnitNames("tokens"); got != nil {
		t.Errorf("UnitNames(tokens) = %v, want none", got)
	}
}
