package office

import (
	"context"
	"testing"
)

// TestSyncStatus: before the first sync every stored version waits and
// the vault is not synced; once the outbox is seeded it counts the same
// versions; new edits add to it.
func TestSyncStatus(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.as("uketsuke", func(s *Session) {
		before, err := f.o.SyncStatus(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		f.business(s, "青空商店", "アオゾラショウテン", "03-5555-0101")
		st, err := f.o.SyncStatus(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		if st.Synced || st.Versions != before.Versions+1 || st.Pending() != st.Versions+st.Events {
			t.Fatalf("before the first sync: %+v (was %+v)", st, before)
		}
		all, err := f.o.Replica(s).Outbox(ctx, 10000) // seeds the outbox
		if err != nil {
			t.Fatal(err)
		}
		seeded, err := f.o.SyncStatus(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		if seeded.Versions != st.Versions || seeded.Versions+seeded.Events < len(all) {
			t.Fatalf("seeded: %+v, outbox of %d", seeded, len(all))
		}
	})
}
