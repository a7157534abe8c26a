package reports

import "testing"

// document is one document rendered from dummy data.
type document struct {
	name   string
	render func(t *testing.T) []byte
}

// must returns a function that fails the test on a render error.
func must(t *testing.T) func([]byte, error) []byte {
	return func(b []byte, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
}

// documents lists every document with its dummy data.
func documents(t *testing.T) []document {
	r := New()
	f := testFooter()
	return []document{
		{"consultation", func(t *testing.T) []byte {
			return must(t)(r.ConsultationSheet(testSheetInput(longJapanese(200)), f))
		}},
		{"session-sheet", func(t *testing.T) []byte {
			in := testSheetInput("")
			return must(t)(r.BlankSheet(in, f))
		}},
	}
}
