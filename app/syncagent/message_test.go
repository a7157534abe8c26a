package syncagent

import (
	"errors"
	"fmt"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/office"
)

// TestMessagesInEnglish: every sentence has its English, which the window
// shows in English.
func TestMessagesInEnglish(t *testing.T) {
	for _, m := range messages {
		if m.ja == "" || m.en == "" {
			t.Errorf("%v: Japanese %q, English %q", m.err, m.ja, m.en)
		}
		if got := MessageIn(office.English, fmt.Errorf("sync: %w", m.err)); got != m.en && m.err != ErrWiped {
			if office.ClassOf(m.err) == office.ClassUnexpected {
				t.Errorf("%v: English %q, want %q", m.err, got, m.en)
			}
		}
	}
	if got := MessageIn(office.English, errors.New("something else")); got != unknownMessageEn {
		t.Errorf("an unknown error in English: %q", got)
	}
}
