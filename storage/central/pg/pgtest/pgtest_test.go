package pgtest

import "testing"

func TestWithDB(t *testing.T) {
	for in, want := range map[string]string{
		"host=/tmp/x port=5432 user=postgres":                    "host=/tmp/x port=5432 user=postgres dbname=t1",
		"host=/tmp/x dbname=postgres user=postgres":              "host=/tmp/x user=postgres dbname=t1",
		"dbname='my db' host=127.0.0.1":                          "host=127.0.0.1 dbname=t1",
		"postgres://u:p@127.0.0.1:5432/postgres?sslmode=disable": "postgres://u:p@127.0.0.1:5432/t1?sslmode=disable",
		"postgresql://127.0.0.1/":                                "postgresql://127.0.0.1/t1",
	} {
		if got := withDB(in, "t1"); got != want {
			t.Errorf("withDB(%q) = %q, want %q", in, got, want)
		}
	}
}
