package local

import (
	"strings"
	"testing"
)

func TestParseMaps(t *testing.T) {
	maps := strings.Join([]string{
		"00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/madoguchi",
		"7f1d5b800000-7f1d5bf98000 rw-s 00000000 fe:00 9978773                    /v/my office/store/001914.sst",
		"7f1d5c000000-7f1d5c001000 r--s 00000000 fe:00 9978774                    /v/my office/store/000001.vlog (deleted)",
		"7f1d5d000000-7f1d5d800000 rw-s 00000000 fe:00 9978775                    /v/my office/store2/000002.mem",
		"7f1d5e000000-7f1d5e001000 rw-p 00000000 00:00 0 ",
		"7f1d5f000000-7f1d5f001000 rw-p 00000000 00:00 0                          [heap]",
		"garbage line",
		"zzzz-7f1d60001000 rw-s 00000000 fe:00 9978776 /v/my office/store/bad.sst",
	}, "\n")
	got, err := parseMaps(strings.NewReader(maps), "/v/my office/store/")
	if err != nil {
		t.Fatal(err)
	}
	want := []mapping{
		{0x7f1d5b800000, 0x7f1d5bf98000, "/v/my office/store/001914.sst"},
		{0x7f1d5c000000, 0x7f1d5c001000, "/v/my office/store/000001.vlog"},
	}
	if len(got) != len(want) {
		t.Fatalf("parseMaps = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("mapping %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
